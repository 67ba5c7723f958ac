"""The Engine: a loaded bundle that routes issues and evaluates cases, over the C ABI."""
import contextlib
import ctypes
import datetime as _dt
import json
import math
import os
import threading

from . import _capi, errors
from . import types as _types
from .types import Action, Case, Decision, Issue

_lib = None  # set by the package on import


def _utf8(text):
    """UTF-8 of `text`. Bytes decoded with surrogateescape come back as they were; any other lone surrogate
    is written as its three bytes (not UTF-8), so that the engine refuses the line in its own words, naming
    the field, as it refuses invalid UTF-8 from a file."""
    try:
        return text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="surrogatepass")


def _bytes(s, what):
    if isinstance(s, bytes):
        return s
    if isinstance(s, str):
        return _utf8(s)
    if isinstance(s, os.PathLike):
        return os.fsencode(s)
    raise TypeError("%s must be str or bytes, not %s" % (what, type(s).__name__))


def _raise(status, err):
    if status != _capi.OK:
        raise errors.from_status(_lib, status, err)


def _take(buf):
    """The bytes in a gridroute_buf, which is then disposed."""
    try:
        return ctypes.string_at(buf.ptr, buf.len) if buf.ptr else b""
    finally:
        _lib.gridroute_buf_dispose(ctypes.byref(buf))


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def parse_time(text):
    """Microseconds since the Unix epoch of an RFC 3339 time with an offset."""
    out = ctypes.c_int64()
    err = ctypes.POINTER(_capi.Error)()
    data = _bytes(text, "text")
    _raise(_lib.gridroute_time_parse(ctypes.byref(out), data, len(data), ctypes.byref(err)), err)
    return out.value


def format_time(micros, tz):
    """RFC 3339 text of `micros` (since the Unix epoch) in the IANA time zone `tz`."""
    if isinstance(micros, bool):
        raise TypeError("micros must be an integer (microseconds since the Unix epoch)")
    micros = int(micros)
    if not -2**63 <= micros < 2**63:  # ctypes would wrap it silently
        raise ValueError("microseconds %d do not fit a 64-bit integer" % micros)
    buf = _capi.Buf()
    err = ctypes.POINTER(_capi.Error)()
    name = _bytes(tz, "tz")
    status = _lib.gridroute_time_format(ctypes.byref(buf), int(micros), name, len(name), ctypes.byref(err))
    data = _take(buf)
    _raise(status, err)
    return data.decode("utf-8")


def _micros(t):
    """Accepts an aware datetime, an RFC 3339 string, or microseconds since the epoch."""
    if isinstance(t, bool):
        raise TypeError("a time must be a datetime, an RFC 3339 string or microseconds")
    if isinstance(t, int):
        if not -2**63 < t < 2**63:
            raise ValueError("microseconds %d do not fit a 64-bit integer" % t)
        return t  # the library refuses what is outside its calendar range
    if isinstance(t, _dt.datetime):
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError("a naive datetime has no offset; give it a tzinfo")
        return (t - _EPOCH) // _dt.timedelta(microseconds=1)
    if isinstance(t, (str, bytes)):
        return parse_time(t)
    raise TypeError("a time must be a datetime, an RFC 3339 string or microseconds, not %s" % type(t).__name__)


def _json_default(v):
    """Aware datetimes in issue and case dicts become RFC 3339 text (the engine's own format)."""
    if isinstance(v, _dt.datetime):
        if v.tzinfo is None or v.utcoffset() is None:
            raise ValueError("a naive datetime has no offset; give it a tzinfo")
        return _types.format_rfc3339(v)
    if isinstance(v, (Issue, Case, _types.Return, _types.Suspension)):
        return v.to_dict()
    raise TypeError("%s is not JSON" % type(v).__name__)


_NONFINITE = "\x00gridroute:non-finite\x00"


def _finite_marked(v):
    """`v` with every NaN or infinite float replaced by a marker string (see _line)."""
    if isinstance(v, float) and not math.isfinite(v):
        return _NONFINITE
    if isinstance(v, dict):
        return {k: _finite_marked(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_finite_marked(x) for x in v]
    return v


def _line(obj):
    """One JSON line for an issue or case: an Issue or Case, or a dict (whose times may be aware
    datetimes), is encoded; str or bytes are taken as they are (less a final newline)."""
    if isinstance(obj, (Issue, Case)):
        obj = obj.to_dict()
    if isinstance(obj, dict):
        try:
            text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=_json_default, allow_nan=False)
        except ValueError as exc:
            if "Circular reference" in str(exc):
                raise ValueError("an issue or case that holds itself has no JSON form") from None
            # NaN and the infinities have no JSON form (json.dumps would write NaN, which no JSON reader
            # takes): each is sent as a number past double range, so the engine refuses it in its own
            # words, as on the C struct path ("attribute 'x' must be a finite number").
            try:
                text = json.dumps(_finite_marked(obj), ensure_ascii=False, separators=(",", ":"), default=_json_default)
            except RecursionError:
                raise ValueError("an issue or case nested too deep to be written as JSON") from None
            text = text.replace(json.dumps(_NONFINITE), "1e999")
        except RecursionError:
            # Python's own limit, near 1,000 levels: far past the 32 a line may hold, which the engine
            # would refuse anyway.
            raise ValueError("an issue or case nested too deep to be written as JSON") from None
        data = _utf8(text)
    else:
        data = _bytes(obj, "an issue or case")
        if data.endswith(b"\n"):
            data = data[:-1]
    if b"\n" in data:
        raise ValueError("an issue or case line must not contain a newline")
    return data


def _count(value, name, bits=64):
    """A limit given to the library: None (its default) or an int >= 0 (0 is its default too) that its
    C field holds: ctypes would wrap a larger one silently (2**64 + 1 read as 1)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError("%s must be a non-negative int (0 or None: the library's default), got %r" % (name, value))
    if value is not None and value >= 1 << bits:
        raise ValueError("%s must be below 2**%d (the C field's range), got %r" % (name, bits, value))
    return value


def _slot(value):
    """A case book's slot: an int from 0 to what size_t holds, never wrapped by ctypes onto another slot."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << (8 * ctypes.sizeof(ctypes.c_size_t)):
        raise ValueError("slot must be an int from 0 to the book's size - 1, got %r" % (value,))
    return value


def _load_options(max_errors=None, max_file_bytes=None):
    _count(max_errors, "max_errors")
    _count(max_file_bytes, "max_file_bytes")
    if max_errors is None and max_file_bytes is None:
        return None
    o = _capi.init(_capi.LoadOptions)
    o.max_errors = max_errors or 0
    o.max_file_bytes = max_file_bytes or 0
    return ctypes.byref(o)


def _sources(jurisdiction, rules, files, label):
    def text(v, what):
        return json.dumps(v, ensure_ascii=False).encode("utf-8") if isinstance(v, (dict, list)) else _bytes(v, what)

    keep = []  # the bytes must outlive the call
    src = _capi.init(_capi.BundleSources)
    j, r = text(jurisdiction, "jurisdiction"), text(rules, "rules")
    keep += [j, r]
    src.jurisdiction_json, src.jurisdiction_json_len = j, len(j)
    src.rules_json, src.rules_json_len = r, len(r)
    if label is not None:
        lb = _bytes(label, "label")
        keep.append(lb)
        src.label, src.label_len = lb, len(lb)
    if files is not None and not hasattr(files, "items"):
        raise TypeError("files must be a mapping of file names to their contents, e.g. {\"units.csv\": b\"...\"}, "
                        "got %s" % type(files).__name__)
    items = list((files or {}).items())
    arr = (_capi.File * max(1, len(items)))()
    for i, (name, data) in enumerate(items):
        n, d = _bytes(name, "a file name"), _bytes(data, "a file's data")
        keep += [n, d]
        arr[i] = _capi.File(n, len(n), d, len(d))
    src.files = arr
    src.file_count = len(items)
    keep.append(arr)
    return src, keep


class _Handle(int):
    """The library's engine handle as load() and from_sources() give it to Engine(): a plain int is not
    one (the library would read any number as a pointer)."""
    __slots__ = ()


class Engine:
    """A loaded, compiled bundle. Safe to share across threads: route, escalate and check may run in any
    number of threads at once, also while another thread reloads. close() (or leaving a `with` block)
    frees it deterministically, after the calls already running have finished.

        with gridroute.Engine.load("examples/lanxi") as engine:
            decision = engine.route({"id": "I-1", "category": "...", "cell": "...", "at": "..."})
    """

    def __init__(self, handle):
        # Engine("examples/lanxi") is Engine.load("examples/lanxi"); otherwise `handle` is the library's
        # handle, as load() and from_sources() give it. Anything else is refused here: the library would
        # read it as a pointer.
        if isinstance(handle, (str, bytes, os.PathLike)):
            handle = type(self)._load_handle(handle)
        elif not isinstance(handle, _Handle) or handle == 0:
            raise TypeError("Engine() takes a bundle's path (or use Engine.load / Engine.from_sources), got %r"
                            % (handle,))
        self._handle = handle
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._inflight = 0

    # ---- construction

    @classmethod
    def load(cls, path, *, max_errors=None, max_file_bytes=None):
        """Loads the bundle in directory `path`. Raises BundleError with every problem found."""
        return cls(cls._load_handle(path, max_errors=max_errors, max_file_bytes=max_file_bytes))

    @staticmethod
    def _load_handle(path, *, max_errors=None, max_file_bytes=None):
        handle = ctypes.c_void_p()
        err = ctypes.POINTER(_capi.Error)()
        p = _bytes(path if not isinstance(path, os.PathLike) else os.fspath(path), "path")
        _raise(_lib.gridroute_engine_load(ctypes.byref(handle), p, len(p), _load_options(max_errors, max_file_bytes),
                                          ctypes.byref(err)), err)
        return _Handle(handle.value)

    @classmethod
    def from_sources(cls, jurisdiction, rules, files=None, *, label=None, max_errors=None):
        """Loads a bundle from memory: the JSON texts (or dicts) and CSV files by name, e.g.
        {"units.csv": "id,parent,tier,name\\n..."}."""
        src, keep = _sources(jurisdiction, rules, files, label)
        handle = ctypes.c_void_p()
        err = ctypes.POINTER(_capi.Error)()
        status = _lib.gridroute_engine_load_sources(ctypes.byref(handle), ctypes.byref(src),
                                                    _load_options(max_errors), ctypes.byref(err))
        del keep
        _raise(status, err)
        return cls(_Handle(handle.value))

    # ---- lifetime

    @contextlib.contextmanager
    def _use(self):
        with self._lock:
            handle = self._handle
            if handle is None:
                raise errors.InvalidArgumentError("the engine is closed")
            self._inflight += 1
        try:
            yield handle
        finally:
            with self._lock:
                self._inflight -= 1
                if not self._inflight:
                    self._idle.notify_all()

    def close(self):
        """Frees the engine (waiting for calls in other threads to finish). Idempotent."""
        with self._lock:
            handle, self._handle = self._handle, None
            while self._inflight:
                self._idle.wait()
        if handle and _lib is not None:
            _lib.gridroute_engine_free(handle)

    @property
    def closed(self):
        return self._handle is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    # ---- reloading

    def reload(self, path, *, max_errors=None):
        """Loads the bundle in `path` and swaps it in; on failure (BundleError) the old one keeps serving."""
        p = _bytes(path if not isinstance(path, os.PathLike) else os.fspath(path), "path")
        err = ctypes.POINTER(_capi.Error)()
        with self._use() as h:
            _raise(_lib.gridroute_engine_reload(h, p, len(p), _load_options(max_errors), ctypes.byref(err)), err)

    def reload_sources(self, jurisdiction, rules, files=None, *, label=None):
        src, keep = _sources(jurisdiction, rules, files, label)
        err = ctypes.POINTER(_capi.Error)()
        with self._use() as h:
            status = _lib.gridroute_engine_reload_sources(h, ctypes.byref(src), None, ctypes.byref(err))
        del keep
        _raise(status, err)

    # ---- routing

    def _route_bytes(self, data, explain):
        opts = _capi.init(_capi.RouteOptions, flags=_capi.ROUTE_EXPLAIN if explain else 0)
        buf = _capi.Buf()
        err = ctypes.POINTER(_capi.Error)()
        with self._use() as h:
            status = _lib.gridroute_engine_route_json(ctypes.byref(buf), h, data, len(data), ctypes.byref(opts),
                                                      ctypes.byref(err))
        return status, err, _take(buf)

    def route(self, issue, *, explain=False):
        """Routes one issue (an Issue, a dict, or a JSON line as str or bytes) and returns the Decision
        (SPEC §4): status ROUTED or UNROUTED. A rejected issue raises RejectedError, whose `decision` is the
        rejected Decision and `record` the engine's `rejected` record as a dict. explain=True fills
        `trace`."""
        status, err, out = self._route_bytes(_line(issue), explain)
        if status == _capi.E_REJECTED:
            exc = errors.from_status(_lib, status, err)
            exc.record = json.loads(out)
            exc.decision = Decision.from_dict(exc.record)
            raise exc
        _raise(status, err)
        return Decision.from_dict(json.loads(out))

    def explain(self, issue):
        """The decision with its trace: every rule considered, in order, and why each lost."""
        return self.route(issue, explain=True)

    def route_jsonl(self, text, *, explain=False):
        """Routes JSON Lines (str or bytes) and returns the decisions as JSON Lines (str): exactly
        `gridroute route`. Bad lines give `rejected` records; nothing is raised for them."""
        return self._batch(_bytes(text, "text"), explain=explain).decode("utf-8")

    def route_many(self, issues, *, explain=False, chunk=1000):
        """Routes an iterable of issues (Issues, dicts or JSON lines), yielding one Decision per issue, in
        order; rejected issues yield a Decision with status REJECTED instead of raising."""
        return self._many(issues, chunk, lambda data: self._batch(data, explain=explain), Decision)

    def _batch(self, data, *, explain=False, now=None):
        buf = _capi.Buf()
        err = ctypes.POINTER(_capi.Error)()
        with self._use() as h:
            if now is None:
                opts = _capi.init(_capi.RouteOptions, flags=_capi.ROUTE_EXPLAIN if explain else 0)
                status = _lib.gridroute_engine_route_jsonl(ctypes.byref(buf), h, data, len(data), ctypes.byref(opts),
                                                           ctypes.byref(err))
            else:
                opts = _capi.init(_capi.EscalateOptions, flags=_capi.ESCALATE_EXPLAIN if explain else 0)
                status = _lib.gridroute_engine_escalate_jsonl(ctypes.byref(buf), h, data, len(data), now,
                                                              ctypes.byref(opts), ctypes.byref(err))
        out = _take(buf)
        _raise(status, err)
        return out

    @staticmethod
    def _many(items, chunk, run, answer):
        batch = []  # lines, or the rejection of an item that has no JSON line
        # The record of an item that cannot be written as a line (a value JSON has no form for): rejected
        # in its place, as the engine rejects a bad line, and the batch goes on.
        kind = "status" if answer is Decision else "action"

        def unwritable(item, exc):
            ident = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
            if not isinstance(ident, (str, int)) or isinstance(ident, bool):
                ident = None
            return {"id": ident, kind: "rejected", "error": "not a JSON line: %s" % exc}

        def flush():
            # Each item is one line; a blank one would give no output, so it is sent as a bad line. The
            # batch starts with an empty line, so that no item is a batch's first line, whose byte-order
            # mark the framing skips: an item answers the same wherever it falls, as route() answers it.
            lines = [line if line.strip(b" \t\r") else b"null" for line in batch if isinstance(line, bytes)]
            outs = iter(run(b"\n" + b"\n".join(lines)).splitlines()) if lines else iter(())
            for line in batch:
                yield answer.from_dict(json.loads(next(outs)) if isinstance(line, bytes) else line)
            batch.clear()

        for item in items:
            try:
                batch.append(_line(item))
            except (TypeError, ValueError) as exc:
                batch.append(unwritable(item, exc))
            if len(batch) >= chunk:
                yield from flush()
        if batch:
            yield from flush()

    # ---- escalation

    def escalate(self, case, now, *, explain=False):
        """Evaluates one case (a Case, a dict, or a JSON line) at `now` (an aware datetime, an RFC 3339
        string or microseconds) and returns the Action. A rejected case raises RejectedError, whose
        `action` is the rejected Action and `record` the engine's record as a dict. explain=True fills
        `trace`: the steps that led to the action."""
        data = _line(case)
        buf = _capi.Buf()
        err = ctypes.POINTER(_capi.Error)()
        t = _micros(now)
        opts = _capi.init(_capi.EscalateOptions, flags=_capi.ESCALATE_EXPLAIN if explain else 0)
        with self._use() as h:
            status = _lib.gridroute_engine_escalate_json(ctypes.byref(buf), h, data, len(data), t, ctypes.byref(opts),
                                                         ctypes.byref(err))
        out = _take(buf)
        if status == _capi.E_REJECTED:
            exc = errors.from_status(_lib, status, err)
            exc.record = json.loads(out)
            exc.action = Action.from_dict(exc.record)
            raise exc
        _raise(status, err)
        return Action.from_dict(json.loads(out))

    def escalate_jsonl(self, text, now, *, explain=False):
        """Evaluates JSON Lines of cases at `now`: exactly `gridroute escalate`."""
        return self._batch(_bytes(text, "text"), now=_micros(now), explain=explain).decode("utf-8")

    def escalate_many(self, cases, now, *, explain=False, chunk=1000):
        """Evaluates an iterable of cases (Cases, dicts or JSON lines) at `now`, yielding one Action per
        case, in order; rejected cases yield an Action REJECTED instead of raising."""
        t = _micros(now)
        return self._many(cases, chunk, lambda data: self._batch(data, now=t, explain=explain), Action)

    def case_book(self):
        """A new CaseBook on the engine's current bundle: a scheduler's open cases, kept between sweeps."""
        return CaseBook(self)

    # ---- provenance

    def digest(self):
        """The digest of the engine's current bundle (SPEC §6.6): lowercase hex, the same on every machine
        for the same files; every Decision and Action carries the digest of the bundle that made it."""
        buf = _capi.Buf()
        err = ctypes.POINTER(_capi.Error)()
        with self._use() as h:
            status = _lib.gridroute_engine_digest(ctypes.byref(buf), h, ctypes.byref(err))
        out = _take(buf)
        _raise(status, err)
        return out.decode("ascii")

    # ---- check

    def check(self, *, max_findings_per_kind=None):
        """The lint findings of `gridroute check` (warnings), as a list of Diagnostic; empty when clean."""
        out = ctypes.POINTER(_capi.Diagnostics)()
        err = ctypes.POINTER(_capi.Error)()
        _count(max_findings_per_kind, "max_findings_per_kind", bits=32)
        opts = _capi.init(_capi.CheckOptions, max_findings_per_kind=max_findings_per_kind or 0)
        with self._use() as h:
            _raise(_lib.gridroute_engine_check(ctypes.byref(out), h, ctypes.byref(opts), ctypes.byref(err)), err)
        try:
            lst = out.contents
            return [errors.diagnostic_from_c(lst.items[i]) for i in range(lst.count)]
        finally:
            _lib.gridroute_diagnostics_free(out)


class CaseBook:
    """A scheduler's open cases, kept between sweeps (docs/lifecycle.md). Each case is checked and settled
    once, when it is added or replaced after an event; each sweep only compares `now` with the deadlines
    it keeps, and answers exactly as Engine.escalate_jsonl would for the same cases at the same `now`.

        book = engine.case_book()
        first = book.add(cases)                    # Cases, dicts or JSON lines; slots first, first + 1, ...
        actions = book.sweep(now)                  # actions[slot]
        book.replace(slot, case)                   # after an event of the case

    A book answers with the bundle the engine had when it was made: after a reload, make a new one.
    Sweeps may run in several threads at once; adding, replacing and removing may not run beside them.
    """

    def __init__(self, engine):
        handle = ctypes.c_void_p()
        err = ctypes.POINTER(_capi.Error)()
        with engine._use() as h:
            _raise(_lib.gridroute_case_book_new(ctypes.byref(handle), h, ctypes.byref(err)), err)
        self._handle = handle.value

    def close(self):
        """Frees the book (also when it is garbage collected)."""
        h, self._handle = getattr(self, "_handle", None), None
        if h:
            _lib.gridroute_case_book_free(h)

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _h(self):
        if not self._handle:
            raise ValueError("the case book is closed")
        return self._handle

    def __len__(self):
        return _lib.gridroute_case_book_size(self._h())

    def add(self, cases):
        """Adds cases (an iterable of Cases, dicts or JSON lines, or one of them) in order; returns the
        slot of the first. A case that cannot be read is kept: every sweep answers it REJECTED."""
        if isinstance(cases, (str, bytes, dict)) or hasattr(cases, "to_dict"):
            cases = [cases]
        # One line per case; a blank one would add nothing, so it is sent as a bad line.
        data = b"\n" + b"\n".join(line if line.strip(b" \t\r") else b"null" for line in map(_line, cases))
        first = ctypes.c_size_t()
        err = ctypes.POINTER(_capi.Error)()
        _raise(_lib.gridroute_case_book_add_jsonl(self._h(), data, len(data), ctypes.byref(first), ctypes.byref(err)), err)
        return first.value

    def replace(self, slot, case):
        """The case in `slot` after an event: its new fields, whole."""
        data = _line(case)
        err = ctypes.POINTER(_capi.Error)()
        _raise(_lib.gridroute_case_book_replace_json(self._h(), _slot(slot), data, len(data), ctypes.byref(err)), err)

    def remove(self, slot):
        """Takes the case in `slot` out; the last case moves into `slot`."""
        err = ctypes.POINTER(_capi.Error)()
        _raise(_lib.gridroute_case_book_remove(self._h(), _slot(slot), ctypes.byref(err)), err)

    def sweep_jsonl(self, now):
        """The action of every case at `now`, as JSON Lines (str), one per slot: what `gridroute escalate`
        writes for the same lines."""
        buf = _capi.Buf()
        err = ctypes.POINTER(_capi.Error)()
        status = _lib.gridroute_case_book_sweep_jsonl(ctypes.byref(buf), self._h(), _micros(now), ctypes.byref(err))
        out = _take(buf)
        _raise(status, err)
        return out.decode("utf-8")

    def sweep(self, now):
        """The Action of every case at `now`, a list indexed by slot."""
        # Lines end at "\n" only: str.splitlines() would also cut a line at a U+2028 or U+0085 that a case's
        # text holds (JSON writes them as they are), and every action after it would be off by one.
        lines = self.sweep_jsonl(now).split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [Action.from_dict(json.loads(line)) for line in lines]
