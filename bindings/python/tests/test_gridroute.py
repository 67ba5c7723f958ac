"""Tests of the Python binding (unittest, standard library only).

Environment (CTest sets it): GRIDROUTE_LIBRARY (path of libgridroute.so.1), GRIDROUTE_EXAMPLE_DIRS
(':'-separated folders holding example bundles, or bundles themselves), GRIDROUTE_COMPARE_JSONL (the
shared compare_jsonl.py, used for the contract comparison when present), GRIDROUTE_SOURCE_DIR.
"""
import datetime as dt
import importlib.util
import json
import os
import re
import threading
import unittest

import gridroute

SOURCE_DIR = os.environ.get("GRIDROUTE_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
LANXI = os.path.join(SOURCE_DIR, "examples", "lanxi")


def example_bundles():
    """Every bundle directory named by GRIDROUTE_EXAMPLE_DIRS, plus examples/lanxi."""
    roots = [p for p in os.environ.get("GRIDROUTE_EXAMPLE_DIRS", "").split(":") if p] + [LANXI]
    found = []
    for root in roots:
        if os.path.exists(os.path.join(root, "jurisdiction.json")):
            cands = [root]
        elif os.path.isdir(root):
            cands = [os.path.join(root, n) for n in sorted(os.listdir(root))]
        else:
            cands = []
        for c in cands:
            c = os.path.realpath(c)
            if os.path.exists(os.path.join(c, "jurisdiction.json")) and c not in found:
                found.append(c)
    return found


# ---- the contract comparison of compare_jsonl.py (SPEC §4): the shared tool when present, else a mirror

def _load_compare():
    path = os.environ.get("GRIDROUTE_COMPARE_JSONL")
    if path and os.path.exists(path):
        spec = importlib.util.spec_from_file_location("compare_jsonl", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod.compare_line
    return _compare_line


_ROUTE = ["id", "status", "rule", "role", "department", "handler", "unit", "alternates", "assist", "level",
          "escalation", "respond_by", "resolve_by"]
_ESC = ["id", "action", "level", "handler", "role", "department", "reasons", "next_check", "respond_by", "resolve_by"]
_TIMES = {"respond_by", "resolve_by", "next_check"}


def _instant(s):
    if not isinstance(s, str) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", s):
        return None
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def _same(field, exp, act):
    if exp is None or act is None:
        return exp is None and act is None
    if field in _TIMES and _instant(exp) and _instant(act):
        return _instant(exp) == _instant(act)
    if field == "reasons":
        return isinstance(act, list) and set(exp) == set(act) and len(set(act)) == len(act)
    if isinstance(exp, bool) or isinstance(act, bool):
        return type(exp) is type(act) and exp == act
    return exp == act


def _compare_line(mode, exp, act):
    key = "status" if mode == "route" else "action"
    fields = _ROUTE if mode == "route" else _ESC
    if exp.get(key) in ("rejected", "unrouted"):
        fields = ["id", key]
    return [(f, exp.get(f), act.get(f)) for f in fields if not _same(f, exp.get(f), act.get(f))]


_compare_line_of_dicts = _load_compare()


def compare_line(mode, exp, act):
    """compare_jsonl.py's comparison; a Decision or Action is compared as its JSON object."""
    return _compare_line_of_dicts(mode, exp, act.to_dict() if hasattr(act, "to_dict") else act)


def read_lines(path):
    with open(path, "rb") as f:
        return [ln for ln in f.read().split(b"\n") if ln.strip(b" \t\r")]


def expected(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(ln) for ln in f if ln.strip()]


def lanxi_sources(**changes):
    with open(os.path.join(LANXI, "jurisdiction.json"), encoding="utf-8") as f:
        jur = f.read()
    with open(os.path.join(LANXI, "rules.json"), encoding="utf-8") as f:
        rules = json.load(f)
    rules.update(changes)
    files = {}
    for name in ("units.csv", "handlers.csv"):
        with open(os.path.join(LANXI, name), encoding="utf-8") as f:
            files[name] = f.read()
    return jur, rules, files


# The demo bundle's loudspeaker-minor rule shows on purpose that `ne` is false on a missing attribute
# (its README: L04), and check() warns about it; any other finding in a golden bundle is a regression.
# lanxi's loudspeaker-minor shows `ne` on a missing attribute (its README: L04); shuangcheng's drainage rule
# names a water department that no handler is (its README: "no water department anywhere").
INTENDED_FINDINGS = {"lanxi": ["/rules/2/when/all/1"], "shuangcheng": ["/rules/25/route"]}


class GoldenTest(unittest.TestCase):
    def test_bundles_found(self):
        self.assertIn(os.path.realpath(LANXI), example_bundles())

    def assert_matches(self, mode, actual, want):
        self.assertEqual(len(actual), len(want))
        for i, (a, e) in enumerate(zip(actual, want)):
            diffs = compare_line(mode, e, a)
            self.assertEqual(diffs, [], "line %d (%s)" % (i + 1, e.get("id")))

    def test_route_many_matches_expected(self):
        for bundle in example_bundles():
            with self.subTest(bundle=bundle), gridroute.Engine.load(bundle) as engine:
                self.assertEqual([f.pointer for f in engine.check()], INTENDED_FINDINGS.get(os.path.basename(bundle), []))
                lines = read_lines(os.path.join(bundle, "issues.jsonl"))
                want = expected(os.path.join(bundle, "expected-route.jsonl"))
                self.assert_matches("route", list(engine.route_many(lines, chunk=7)), want)
                text = b"\n".join(lines).decode("utf-8")
                self.assert_matches("route", [json.loads(x) for x in engine.route_jsonl(text).splitlines()], want)

    def test_route_one_by_one_matches_expected(self):
        for bundle in example_bundles():
            with self.subTest(bundle=bundle), gridroute.Engine.load(bundle) as engine:
                lines = read_lines(os.path.join(bundle, "issues.jsonl"))
                want = expected(os.path.join(bundle, "expected-route.jsonl"))
                got = []
                for line in lines:
                    try:
                        issue = json.loads(line)
                    except ValueError:
                        issue = line  # broken JSON: let the engine reject it
                    try:
                        got.append(engine.route(issue))
                    except gridroute.RejectedError as e:
                        self.assertEqual(e.record["status"], "rejected")
                        self.assertEqual(e.code, 4)
                        self.assertTrue(e.message)
                        got.append(e.record)
                self.assert_matches("route", got, want)

    def test_escalate_matches_expected(self):
        for bundle in example_bundles():
            with self.subTest(bundle=bundle), gridroute.Engine.load(bundle) as engine:
                with open(os.path.join(bundle, "NOW.txt"), encoding="utf-8") as f:
                    now = f.read().strip()
                lines = read_lines(os.path.join(bundle, "cases.jsonl"))
                want = expected(os.path.join(bundle, "expected-escalate.jsonl"))
                self.assert_matches("escalate", list(engine.escalate_many(lines, now)), want)
                # `now` as an aware datetime and as microseconds give the same answers.
                now_dt = dt.datetime.fromisoformat(now)
                self.assert_matches("escalate", list(engine.escalate_many(lines, now_dt)), want)
                got = []
                for line in lines:
                    try:
                        got.append(engine.escalate(line, gridroute.parse_time(now)))
                    except gridroute.RejectedError as e:
                        got.append(e.record)
                self.assert_matches("escalate", got, want)

    def test_case_book_sweeps_as_escalate(self):
        # A book of each example's cases answers as escalate_jsonl, at the examples' now and a day later;
        # replace() and remove() change what the next sweep says.
        for bundle in example_bundles():
            with self.subTest(bundle=bundle), gridroute.Engine.load(bundle) as engine:
                with open(os.path.join(bundle, "NOW.txt"), encoding="utf-8") as f:
                    now = f.read().strip()
                lines = [line for line in read_lines(os.path.join(bundle, "cases.jsonl")) if line.strip()]
                with engine.case_book() as book:
                    self.assertEqual(book.add(lines), 0)
                    self.assertEqual(len(book), len(lines))
                    later = gridroute.parse_time(now) + 86_400_000_000
                    for t in (now, later):
                        self.assertEqual(book.sweep_jsonl(t), engine.escalate_jsonl(b"\n".join(lines), t))
                    want = expected(os.path.join(bundle, "expected-escalate.jsonl"))
                    self.assert_matches("escalate", book.sweep(now), want)
                    book.replace(0, lines[-1])
                    self.assertEqual(book.sweep(now)[0].to_dict(), book.sweep(now)[-1].to_dict())
                    book.remove(0)
                    self.assertEqual(len(book), len(lines) - 1)
                    with self.assertRaises(gridroute.InvalidArgumentError):
                        book.remove(len(lines))


class EngineTest(unittest.TestCase):
    def setUp(self):
        self.engine = gridroute.Engine.load(LANXI)
        self.line = read_lines(os.path.join(LANXI, "issues.jsonl"))[0]

    def tearDown(self):
        self.engine.close()

    def test_version(self):
        self.assertEqual(gridroute.version(), gridroute.__version__)
        self.assertRegex(gridroute.version(), r"^\d+\.\d+\.\d+$")

    def test_version_mismatch_is_refused(self):
        old = gridroute._MAJOR
        gridroute._MAJOR = old + 1
        try:
            with self.assertRaises(ImportError):
                gridroute._check_version()
        finally:
            gridroute._MAJOR = old

    def test_engine_of_a_path_loads_it_and_other_arguments_are_refused(self):
        # Engine(path) is Engine.load(path); anything but a path or the library's handle was read as a
        # pointer (an internal error, then a crash).
        with gridroute.Engine(LANXI) as e:
            self.assertEqual(e.route(self.line).status, gridroute.Status.ROUTED)
        # A number is no handle either: the library would read 12345 as a pointer.
        for bad in (None, 0, 12345, -1, 3.5, True, [LANXI]):
            with self.assertRaises(TypeError):
                gridroute.Engine(bad)

    def test_a_negative_limit_is_refused(self):
        # The C options are unsigned: -1 would wrap to the largest value instead of being refused.
        with self.assertRaises(ValueError):
            gridroute.Engine.load(LANXI, max_errors=-1)
        with gridroute.Engine.load(LANXI) as e:
            for bad in (-1, 2.5, True):
                with self.assertRaises(ValueError):
                    e.check(max_findings_per_kind=bad)
            self.assertEqual(e.check(max_findings_per_kind=3), e.check(max_findings_per_kind=3))
            # Past what the C field holds, ctypes would wrap the value (2**64 + 1 read as 1): refused.
            with self.assertRaises(ValueError):
                e.check(max_findings_per_kind=2**32)
        for bad in (2**64, 2**64 + 1):
            with self.assertRaises(ValueError):
                gridroute.Engine.load(LANXI, max_errors=bad)

    def test_a_slot_out_of_range_is_refused_not_wrapped_onto_another_case(self):
        case = {"id": "C0", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01",
                "at": "2026-11-23T09:20:00+08:00", "level": 0, "level_started_at": "2026-11-23T09:20:00+08:00",
                "responded": False, "reports": 0, "status": "open"}
        with self.engine.case_book() as book:
            book.add([dict(case, id="C%d" % i) for i in range(3)])
            for bad in (2**64, 2**64 + 1, -2**64, -1, 1.0, True):
                with self.assertRaises((ValueError, gridroute.InvalidArgumentError)):
                    book.remove(bad)
                with self.assertRaises((ValueError, gridroute.InvalidArgumentError)):
                    book.replace(bad, dict(case, id="C99"))
            self.assertEqual([a.id for a in book.sweep("2026-11-23T10:00:00+08:00")], ["C0", "C1", "C2"])

    def test_a_sweep_keeps_a_case_whose_text_holds_a_unicode_line_separator(self):
        # JSON writes U+2028, U+2029 and U+0085 as they are; a sweep's lines end at "\n" only.
        case = {"id": "C\u2028X", "category": "env.noise.loudspeaker", "cell": "qiaodong-a-01",
                "at": "2026-11-23T09:20:00+08:00", "level": 0, "level_started_at": "2026-11-23T09:20:00+08:00",
                "responded": False, "reports": 0, "status": "open"}
        with self.engine.case_book() as book:
            book.add([case, dict(case, id="D\u0085\u2029")])
            actions = book.sweep("2026-11-23T10:00:00+08:00")
            self.assertEqual([a.id for a in actions], ["C\u2028X", "D\u0085\u2029"])

    def test_an_item_without_a_json_line_is_rejected_in_its_place(self):
        # route_many and escalate_many answer every item: one that JSON cannot write (an object) or that
        # holds a lone surrogate is rejected where it stands, and the items around it are answered.
        at = "2026-11-20T09:40:00+08:00"
        ok = {"id": "I-1", "category": "street.vending.gate", "cell": "qiaodong-a-01", "at": at}
        items = [ok, dict(ok, id="I-\ud800"), dict(ok, id="I-3", attrs={"t": object()}), dict(ok, id="I-4")]
        with gridroute.Engine.load(LANXI) as e:
            got = [(d.id, d.status) for d in e.route_many(items)]
            self.assertEqual(got, [("I-1", gridroute.Status.ROUTED), (None, gridroute.Status.REJECTED),
                                   ("I-3", gridroute.Status.REJECTED), ("I-4", gridroute.Status.ROUTED)])
            third = list(e.route_many(items))[2]
            self.assertIn("not a JSON line", third.error)
            cases = [dict(i, level=0, level_started_at=at, responded=False, reports=1, status="open") for i in items]
            acts = [a.action for a in e.escalate_many(cases, "2026-11-20T10:00:00+08:00")]
            self.assertEqual([a == gridroute.ActionKind.REJECTED for a in acts], [False, True, True, False])
            # One at a time, the lone surrogate is the engine's own refusal of text that is not UTF-8.
            with self.assertRaises(gridroute.RejectedError) as cm:
                e.route(dict(ok, category="street.\udc00"))
            self.assertIn("UTF-8", str(cm.exception))
            # An item nested past Python's recursion limit, or one that holds itself, is rejected in its
            # place too; one at a time it is a ValueError, and a case book refuses the call before adding.
            deep = {}
            inner = deep
            for _ in range(5000):
                inner["x"] = {}
                inner = inner["x"]
            loop = dict(ok, id="I-loop")
            loop["attrs"] = {"self": loop}
            items = [ok, dict(ok, id="I-deep", attrs=deep), loop, dict(ok, id="I-4")]
            got = [(d.id, d.status) for d in e.route_many(items)]
            self.assertEqual(got, [("I-1", gridroute.Status.ROUTED), ("I-deep", gridroute.Status.REJECTED),
                                   ("I-loop", gridroute.Status.REJECTED), ("I-4", gridroute.Status.ROUTED)])
            self.assertIn("nested too deep", list(e.route_many(items))[1].error)
            cases = [dict(i, level=0, level_started_at=at, responded=False, reports=1, status="open") for i in items[:2]]
            self.assertEqual([a.action == gridroute.ActionKind.REJECTED
                              for a in e.escalate_many(cases, "2026-11-20T10:00:00+08:00")], [False, True])
            with self.assertRaises(ValueError):
                e.route(loop)
            book = e.case_book()
            with self.assertRaises(ValueError):
                book.add(cases)
            self.assertEqual(len(book), 0)
            # A Case without an Issue has no line either: TypeError one at a time, rejected in its place
            # in a batch, and a case book refuses the call before adding.
            good = gridroute.Case(gridroute.Issue("C-1", "street.vending.gate", "qiaodong-a-01", at), 0, at)
            with self.assertRaises(TypeError):
                e.escalate(gridroute.Case(None), "2026-11-20T10:00:00+08:00")
            acts = list(e.escalate_many([good, gridroute.Case(None), good], "2026-11-20T10:00:00+08:00"))
            self.assertEqual([a.action == gridroute.ActionKind.REJECTED for a in acts], [False, True, False])
            self.assertIn("Case.issue must be an Issue", acts[1].error)
            self.assertEqual([d.status for d in e.route_many([good.issue, gridroute.Case(None)])],
                             [gridroute.Status.ROUTED, gridroute.Status.REJECTED])
            with self.assertRaises(TypeError):
                book.add([good, gridroute.Case(None)])
            self.assertEqual(len(book), 0)

    def test_a_non_finite_attribute_gets_the_cores_refusal(self):
        # json.dumps would write NaN, which no JSON reader takes ("invalid JSON"); the binding sends a
        # number past double range instead, and the engine refuses it in its own words.
        issue = {"id": "N", "category": "street.vending.gate", "cell": "qiaodong-a-01", "at": "2026-11-20T09:00:00+08:00"}
        for v in (float("nan"), float("inf"), float("-inf")):
            with self.assertRaises(gridroute.RejectedError) as cm:
                self.engine.route(dict(issue, attrs={"severity": v, "note": "NaN"}))
            self.assertTrue(cm.exception.message.startswith(
                "attribute 'severity' must be a finite number (within double range), got "), cm.exception.message)
            out = list(self.engine.route_many([dict(issue, attrs={"severity": v}), issue]))
            self.assertEqual([d.status for d in out], [gridroute.Status.REJECTED, gridroute.Status.ROUTED])

    def test_explain(self):
        d = self.engine.explain(self.line)
        self.assertEqual(d["status"], "routed")
        self.assertTrue(d["trace"])
        self.assertIn("won", [t["verdict"] for t in d["trace"]])
        self.assertNotIn("trace", self.engine.route(self.line))

    def test_compiled_file_answers_as_the_directory(self):
        # A file written by `gridroute compile` opens through Engine.load like a bundle directory.
        data = os.path.join(SOURCE_DIR, "tests", "data", "compiled")
        with open(os.path.join(data, "lanxi-issues.jsonl"), encoding="utf-8") as f:
            issues = f.read()
        with open(os.path.join(data, "lanxi-format5-route.jsonl"), encoding="utf-8") as f:
            expected = f.read()
        with gridroute.Engine.load(os.path.join(data, "lanxi-format5.grb")) as e:
            self.assertEqual(e.route_jsonl(issues), expected)

    def test_context_manager_and_deterministic_close(self):
        with gridroute.Engine.load(LANXI) as e:
            self.assertFalse(e.closed)
        self.assertTrue(e.closed)
        e.close()  # idempotent
        with self.assertRaises(gridroute.InvalidArgumentError) as cm:
            e.route(self.line)
        self.assertEqual(cm.exception.message, "the engine is closed")

    def test_bundle_error_carries_file_line_pointer(self):
        jur, rules, files = lanxi_sources(surprise=1)
        with self.assertRaises(gridroute.BundleError) as cm:
            gridroute.Engine.from_sources(jur, rules, files, label="mem")
        e = cm.exception
        self.assertEqual(e.code, 3)
        self.assertEqual(e.file, "mem/rules.json")
        self.assertEqual(e.pointer, "/surprise")
        self.assertGreater(e.line, 0)
        self.assertEqual(len(e.diagnostics), 1)
        self.assertEqual(e.diagnostics[0].pointer, "/surprise")
        self.assertIn("/surprise", e.diagnostics[0].text)
        with self.assertRaises(gridroute.BundleError):
            gridroute.Engine.load("/nonexistent/bundle")

    def test_from_sources_and_reload(self):
        jur, rules, files = lanxi_sources()
        with self.assertRaises(TypeError):  # the files by name, not a list
            gridroute.Engine.from_sources(jur, rules, list(files.values()))
        with gridroute.Engine.from_sources(jur, rules, files) as e:
            # The same decision; the digest differs, since the rules were written out again (SPEC §6.6).
            mine, theirs = e.route(self.line).to_dict(), self.engine.route(self.line).to_dict()
            self.assertNotEqual(mine.pop("bundle"), theirs.pop("bundle"))
            self.assertEqual(mine, theirs)
            e.reload(LANXI)
            e.reload_sources(jur, rules, files)
            with self.assertRaises(gridroute.BundleError):
                e.reload("/nonexistent")
            self.assertEqual(e.route(self.line)["status"], "routed")  # the old snapshot still serves

    def test_check_findings(self):
        jur, rules, files = lanxi_sources()
        rules["escalation_policies"].append({"id": "never-used", "levels": [{"name": "grid"}]})
        with gridroute.Engine.from_sources(jur, rules, files) as e:
            findings = e.check()
        self.assertTrue(any("never-used" in f.message for f in findings))
        self.assertTrue(all(f.severity == "warning" for f in findings))

    def test_rejected_lines(self):
        for bad, text in ((b'{"id": "I-\xff", "category": "x"}', "UTF-8"),
                          (b'{"id": "I-1", "category": "env.noi', "invalid JSON"),
                          ({"id": "I-2", "category": "env.noise.loudspeaker", "cell": "nowhere",
                            "at": "2026-11-20T09:15:00+08:00"}, "cell")):
            with self.assertRaises(gridroute.RejectedError) as cm:
                self.engine.route(bad)
            self.assertIn(text, cm.exception.message)
            self.assertEqual(cm.exception.record["status"], "rejected")
        with self.assertRaises(gridroute.RejectedError):
            self.engine.escalate(b'{"id": "C-1"', "2026-11-23T10:00:00+08:00")
        out = list(self.engine.route_many([b"{", b"", self.line]))
        self.assertEqual([o["status"] for o in out], ["rejected", "rejected", "routed"])
        # An item answers the same wherever it falls in a batch, as route() answers it: a byte-order mark
        # before an item is no batch's first line, whose mark the framing skips.
        bom = "\ufeff".encode() + self.line
        with self.assertRaises(gridroute.RejectedError):
            self.engine.route(bom)
        out = list(self.engine.route_many([bom, bom, self.line], chunk=2))
        self.assertEqual([o["status"] for o in out], ["rejected", "rejected", "routed"])

    def test_out_of_range_times_get_the_cores_refusal(self):
        # The same words as every other front end (capi/tests/frontends_test.cpp).
        calendar = "must be before 9000-01-01T00:00:00Z (the calendar range) and not before 0000-01-01T00:00:00Z"
        issue = {"id": "V", "category": "street.vending.gate", "cell": "qiaodong-a-01", "at": "9999-01-01T00:00:00Z"}
        with self.assertRaises(gridroute.RejectedError) as cm:
            self.engine.route(issue)
        self.assertEqual(cm.exception.message, "field 'at' " + calendar)
        case = dict(issue, at="2025-11-20T09:15:00+08:00", level=0, level_started_at="2025-11-20T09:15:00+08:00",
                    responded=False, reports=0, status="open")
        with self.assertRaises(gridroute.RejectedError) as cm:
            self.engine.escalate(case, dt.datetime(9999, 1, 1, tzinfo=dt.timezone.utc))
        self.assertEqual(cm.exception.message, "field 'now' " + calendar)
        with self.assertRaises(gridroute.RejectedError) as cm:
            self.engine.escalate(case, 2**62)
        self.assertEqual(cm.exception.message, "field 'now' " + calendar)

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            self.engine.escalate(self.line, dt.datetime(2026, 11, 23, 10, 0))  # naive
        with self.assertRaises(gridroute.InvalidArgumentError):
            self.engine.escalate(self.line, "yesterday")
        with self.assertRaises(TypeError):
            self.engine.route(42)
        with self.assertRaises(ValueError):
            self.engine.route("{}\n{}")
        with self.assertRaises(gridroute.InvalidArgumentError):
            gridroute.format_time(0, "Nowhere/Atlantis")
        self.assertEqual(gridroute.format_time(gridroute.parse_time("2026-11-20T01:15:00Z"), "Asia/Shanghai"),
                         "2026-11-20T09:15:00+08:00")

    def test_exception_hierarchy(self):
        for cls in (gridroute.InvalidArgumentError, gridroute.StructSizeError, gridroute.BundleError,
                    gridroute.RejectedError, gridroute.NoMemoryError, gridroute.InternalError):
            self.assertTrue(issubclass(cls, gridroute.GridrouteError))
        self.assertEqual(len({c.code for c in (gridroute.InvalidArgumentError, gridroute.StructSizeError,
                                               gridroute.BundleError, gridroute.RejectedError,
                                               gridroute.NoMemoryError, gridroute.InternalError)}), 6)


class ThreadsTest(unittest.TestCase):
    def test_routing_from_threads_while_reloading(self):
        lines = read_lines(os.path.join(LANXI, "issues.jsonl"))
        want = expected(os.path.join(LANXI, "expected-route.jsonl"))
        failures = []
        with gridroute.Engine.load(LANXI) as engine:
            stop = threading.Event()

            def worker(k):
                try:
                    for _ in range(5):
                        if k % 2:
                            got = list(engine.route_many(lines, chunk=10))
                        else:
                            got = []
                            for line in lines:
                                try:
                                    got.append(engine.route(line))
                                except gridroute.RejectedError as e:
                                    got.append(e.record)
                        for i, (a, e) in enumerate(zip(got, want)):
                            if compare_line("route", e, a):
                                failures.append((k, i))
                except Exception as e:  # reported below
                    failures.append(repr(e))

            def reloader():
                while not stop.is_set():
                    engine.reload(LANXI)

            threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
            r = threading.Thread(target=reloader)
            r.start()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            stop.set()
            r.join()
        self.assertEqual(failures, [])

    def test_close_waits_for_running_calls(self):
        lines = read_lines(os.path.join(LANXI, "issues.jsonl")) * 50
        engine = gridroute.Engine.load(LANXI)
        results = []

        def run():
            try:
                results.append(len(engine.route_jsonl(b"\n".join(lines)).splitlines()))
            except gridroute.InvalidArgumentError:
                results.append("closed")

        t = threading.Thread(target=run)
        t.start()
        engine.close()
        t.join()
        self.assertTrue(engine.closed)
        # The batch either ran to the end before the engine was freed, or saw it closed; nothing crashed.
        self.assertIn(results[0], (len(lines), "closed"))


if __name__ == "__main__":
    unittest.main()
