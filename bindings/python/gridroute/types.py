"""Typed issues, cases, decisions and actions (SPEC §4 and the case lifecycle of §6).

Inputs (`Issue`, `Case`, `Return`, `Suspension`) turn into the JSON objects the engine reads with
`to_dict()`; answers (`Decision`, `Action`) are read from the JSON objects the engine writes with
`from_dict()` and turn back into exactly those objects with `to_dict()`. Times are aware `datetime`s; on
input an RFC 3339 string is taken as well.

`Decision` and `Action` are also read-only mappings over their JSON form, so code written for the dicts of
binding 1.0 (`d["status"]`, `d.get("handler")`, `dict(d)`) keeps working.
"""
import collections.abc
import dataclasses
import datetime as _dt
import enum
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

IssueId = Union[str, int]
Time = Union[_dt.datetime, str]


class Status(str, enum.Enum):
    """A decision's `status`. A str: `Status.ROUTED == "routed"`."""
    ROUTED = "routed"
    UNROUTED = "unrouted"
    REJECTED = "rejected"

    def __str__(self):
        return self.value


class ActionKind(str, enum.Enum):
    """An action's `action` (SPEC §3.5, §6). A str: `ActionKind.HOLD == "hold"`."""
    NONE = "none"              # a resolved case that stays resolved
    HOLD = "hold"              # nothing due yet: next_check says when to look again
    ESCALATE = "escalate"      # up to `level`, with new deadlines from now
    REOPEN = "reopen"          # a resolved case rated badly, one level up
    OVERDUE = "overdue"        # it would go past the last level: it stays
    REJECTED = "rejected"      # a bad case line: `error` says why
    REDISPATCH = "redispatch"  # since 1.1: the owner returned it; a new owner at the same level
    DISPUTE = "dispute"        # since 1.1: returned and nobody is left; a person must rule
    SUSPENDED = "suspended"    # since 1.1: the clock is stopped until next_check (None: open-ended)

    def __str__(self):
        return self.value


class Reason(str, enum.Enum):
    """Why an action escalates, reopens or re-dispatches (an action's `reasons`)."""
    MISSED_RESPOND = "missed_respond"
    MISSED_RESOLVE = "missed_resolve"
    REPEAT_REPORTS = "repeat_reports"
    LOW_RATING = "low_rating"
    RETURNED = "returned"  # since 1.1

    def __str__(self):
        return self.value


class CaseStatus(str, enum.Enum):
    """A case's `status`."""
    OPEN = "open"
    RESOLVED = "resolved"

    def __str__(self):
        return self.value


def _enum(cls, value):
    """The member for `value`; a value this binding does not know (from a newer library) stays a str."""
    try:
        return cls(value)
    except ValueError:
        return value


# ---- times

_RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)")


def parse_rfc3339(text):
    """An aware datetime of an RFC 3339 time with an offset, as the engine writes them (microseconds kept,
    digits beyond them dropped). Raises ValueError for anything else."""
    if isinstance(text, str) and len(text) == 25 and text[10] == "T" and text[19] in "+-":
        try:  # the engine's usual form, 2026-11-20T09:15:00+08:00: the C parser
            return _dt.datetime.fromisoformat(text)
        except ValueError:
            pass
    m = _RFC3339.fullmatch(text) if isinstance(text, str) else None
    if not m:
        raise ValueError("not an RFC 3339 time with an offset: %r" % (text,))
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    micro = int((m.group(7) or "").ljust(6, "0")[:6])
    off = m.group(8)
    if off in ("Z", "z"):
        tz = _dt.timezone.utc
    else:
        delta = _dt.timedelta(hours=int(off[1:3]), minutes=int(off[4:6]))
        tz = _dt.timezone(-delta if off[0] == "-" else delta)
    return _dt.datetime(y, mo, d, h, mi, s, micro, tzinfo=tz)


def format_rfc3339(t):
    """RFC 3339 text of an aware datetime as the engine writes times: seconds, the fraction only when there
    is one (without trailing zeros), and the offset as ±HH:MM (never Z). An offset with seconds (a
    historical local mean time) is written in UTC instead, which RFC 3339 can say."""
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("a naive datetime has no offset; give it a tzinfo")
    off = t.utcoffset()
    if off % _dt.timedelta(minutes=1):
        t = t.astimezone(_dt.timezone.utc)
        off = _dt.timedelta(0)
    text = "%04d-%02d-%02dT%02d:%02d:%02d" % (t.year, t.month, t.day, t.hour, t.minute, t.second)
    if t.microsecond:
        text += ("." + "%06d" % t.microsecond).rstrip("0")
    minutes = off // _dt.timedelta(minutes=1)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return text + "%s%02d:%02d" % (sign, minutes // 60, minutes % 60)


def _time_in(value, what):
    """A time for a JSON line: an aware datetime as RFC 3339, a string as it is (the engine checks it)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("%s: a naive datetime has no offset; give it a tzinfo" % what)
        return format_rfc3339(value)
    raise TypeError("%s must be an aware datetime or an RFC 3339 string, not %s" % (what, type(value).__name__))


def _time_out(text):
    # A time in year 0000, the first year of the calendar range, is before anything a datetime can hold
    # (year 1 on): it stays the RFC 3339 text the engine wrote rather than losing the answer.
    if text is None or (isinstance(text, str) and text.startswith("0000-")):
        return text
    return parse_rfc3339(text)


def _time_text(t):
    return t if t is None or isinstance(t, str) else format_rfc3339(t)


# ---- inputs

@dataclasses.dataclass
class Issue:
    """A resident's issue (SPEC §4): `id` (a string, or an integer since contract 1.1), `category`, `cell`
    (or, SPEC §7, a `location` (longitude, latitude) instead), `at` (an aware datetime or an RFC 3339
    string) and `attrs`."""
    id: IssueId
    category: str
    cell: Optional[str] = None
    at: Optional[Time] = None
    attrs: Optional[Dict[str, Any]] = None
    location: Optional[Sequence[float]] = None

    def to_dict(self):
        """The issue line's JSON object."""
        d = {"id": self.id, "category": self.category}
        if self.cell is not None:
            d["cell"] = self.cell
        if self.location is not None:
            d["location"] = list(self.location)
        d["at"] = _time_in(self.at, "at")
        if self.attrs is not None:
            d["attrs"] = dict(self.attrs)
        return d


@dataclasses.dataclass
class Return:
    """A return (退单) approved at the case's current level (SPEC §6.2)."""
    handler: str
    at: Time
    reason: Optional[str] = None

    def to_dict(self):
        d = {"handler": self.handler, "at": _time_in(self.at, "returned/at")}
        if self.reason is not None:
            d["reason"] = self.reason
        return d


@dataclasses.dataclass
class Suspension:
    """A suspension (挂起, SPEC §6.3): the clock stops from `from_` to `to` (None: still suspended)."""
    from_: Time
    to: Optional[Time] = None

    def to_dict(self):
        d = {"from": _time_in(self.from_, "suspended/from")}
        if self.to is not None:
            d["to"] = _time_in(self.to, "suspended/to")
        return d


@dataclasses.dataclass
class Case:
    """An issue under way, for escalation (SPEC §3.5) and its lifecycle (SPEC §6): the issue, its state
    (`level`, `level_started_at`, `responded`, `reports`, `status`, `rating`) and, all optional, the
    pinned `rule` and `handler`, the `returned` orders (`Return`), the `suspended` periods (`Suspension`)
    and `extended_to`."""
    issue: Issue
    level: int = 0
    level_started_at: Optional[Time] = None
    responded: bool = False
    reports: int = 0
    status: Union[CaseStatus, str] = CaseStatus.OPEN
    rating: Optional[int] = None
    rule: Optional[str] = None
    handler: Optional[str] = None
    returned: Sequence[Return] = ()
    suspended: Sequence[Suspension] = ()
    extended_to: Optional[Time] = None

    @property
    def id(self):
        return self.issue.id if isinstance(self.issue, Issue) else None

    def to_dict(self):
        """The case line's JSON object: the issue's fields and the case's. A case whose `issue` is not an
        Issue has no line: TypeError (answered rejected in its place by the batch calls)."""
        if not isinstance(self.issue, Issue):
            raise TypeError("Case.issue must be an Issue, got %s" % type(self.issue).__name__)
        d = self.issue.to_dict()
        d["level"] = self.level
        d["level_started_at"] = _time_in(self.level_started_at, "level_started_at")
        d["responded"] = self.responded
        d["reports"] = self.reports
        d["status"] = str(self.status)
        if self.rating is not None:
            d["rating"] = self.rating
        if self.rule is not None:
            d["rule"] = self.rule
        if self.handler is not None:
            d["handler"] = self.handler
        if self.returned:
            d["returned"] = [r.to_dict() if isinstance(r, Return) else r for r in self.returned]
        if self.suspended:
            d["suspended"] = [s.to_dict() if isinstance(s, Suspension) else s for s in self.suspended]
        if self.extended_to is not None:
            d["extended_to"] = _time_in(self.extended_to, "extended_to")
        return d


# ---- answers

class _Answer(collections.abc.Mapping):
    """The read-only mapping over an answer's JSON form (its to_dict()), for the callers of binding 1.0."""
    _known = ()

    def _json(self):
        cache = self.__dict__.get("_dict_cache")
        if cache is None:
            cache = self.to_dict()
            object.__setattr__(self, "_dict_cache", cache)
        return cache

    def __getitem__(self, key):
        return self._json()[key]

    def __iter__(self):
        return iter(self._json())

    def __len__(self):
        return len(self._json())

    def _extras(self, d):
        for k, v in (self.extra or {}).items():
            if k not in d and k != "bundle":
                d[k] = v
        return d


def _strings(v):
    return tuple(v) if v else ()


@dataclasses.dataclass(frozen=True, eq=False)
class Decision(_Answer):
    """The answer for an issue (SPEC §4, §6.4, §6.6, §7). Fields the answer does not carry are None
    (lists: empty). `to_dict()` is the JSON object exactly as `gridroute route` writes it; the decision
    also reads as that mapping (`d["handler"]`), and equals it."""
    id: Optional[IssueId]
    status: Union[Status, str]
    rule: Optional[str] = None
    role: Optional[str] = None
    department: Optional[str] = None
    handler: Optional[str] = None
    unit: Optional[str] = None
    cell: Optional[str] = None
    alternates: Tuple[str, ...] = ()
    assist: Tuple[str, ...] = ()
    level: Optional[int] = None
    escalation: Optional[str] = None
    respond_by: Optional[_dt.datetime] = None
    resolve_by: Optional[_dt.datetime] = None
    fallback: bool = False
    reason: Optional[str] = None
    error: Optional[str] = None
    bundle: Optional[str] = None
    trace: Optional[List[Any]] = None
    extra: Optional[Dict[str, Any]] = dataclasses.field(default=None, repr=False)

    _known = ("id", "status", "rule", "fallback", "cell", "role", "department", "handler", "unit", "alternates",
              "assist", "level", "escalation", "respond_by", "resolve_by", "reason", "error", "trace", "bundle")

    @property
    def routed(self):
        return self.status == Status.ROUTED

    @classmethod
    def from_dict(cls, d):
        """The decision of a JSON object the engine wrote."""
        extra = {k: v for k, v in d.items() if k not in cls._known}
        return cls(id=d.get("id"), status=_enum(Status, d.get("status")), rule=d.get("rule"), role=d.get("role"),
                   department=d.get("department"), handler=d.get("handler"), unit=d.get("unit"),
                   cell=d.get("cell"), alternates=_strings(d.get("alternates")), assist=_strings(d.get("assist")),
                   level=d.get("level"), escalation=d.get("escalation"),
                   respond_by=_time_out(d.get("respond_by")), resolve_by=_time_out(d.get("resolve_by")),
                   fallback=bool(d.get("fallback", False)), reason=d.get("reason"), error=d.get("error"),
                   bundle=d.get("bundle"), trace=d.get("trace"), extra=extra or None)

    def to_dict(self):
        """The JSON object of this decision, in the order and with the fields `gridroute route` writes."""
        d = {"id": self.id, "status": str(self.status)}
        if self.cell is not None:
            d["cell"] = self.cell
        if self.status == Status.REJECTED:
            d["error"] = self.error
        elif self.status == Status.UNROUTED:
            d["reason"] = self.reason
        else:
            d["rule"] = self.rule
            if self.fallback:
                d["fallback"] = True
            d["role"] = self.role
            if self.department is not None:
                d["department"] = self.department
            d["handler"] = self.handler
            d["unit"] = self.unit
            d["alternates"] = list(self.alternates)
            d["assist"] = list(self.assist)
            d["level"] = self.level
            d["escalation"] = self.escalation
            d["respond_by"] = _time_text(self.respond_by)
            d["resolve_by"] = _time_text(self.resolve_by)
        if self.trace is not None:
            d["trace"] = self.trace
        self._extras(d)
        if self.bundle is not None:
            d["bundle"] = self.bundle
        return d


# The actions that move a case to a new owner (and so carry `rule`, `assist` and new deadlines).
_MOVES = (ActionKind.ESCALATE, ActionKind.REOPEN, ActionKind.REDISPATCH)


@dataclasses.dataclass(frozen=True, eq=False)
class Action(_Answer):
    """The answer for a case at a time (SPEC §3.5, §6). `action` is an ActionKind, `reasons` a tuple of
    Reason. Fields the answer does not carry are None (lists: empty); a dispute has no handler, role or
    unit. `rule` is given when the case moves and when the answer re-pins it (`repinned`).
    `to_dict()` is the JSON object exactly as `gridroute escalate` writes it; the action also reads as that
    mapping, and equals it."""
    id: Optional[IssueId]
    action: Union[ActionKind, str]
    level: Optional[int] = None
    handler: Optional[str] = None
    role: Optional[str] = None
    department: Optional[str] = None
    unit: Optional[str] = None
    rule: Optional[str] = None
    assist: Tuple[str, ...] = ()
    reasons: Tuple[Union[Reason, str], ...] = ()
    next_check: Optional[_dt.datetime] = None
    respond_by: Optional[_dt.datetime] = None
    resolve_by: Optional[_dt.datetime] = None
    repinned: bool = False
    error: Optional[str] = None
    bundle: Optional[str] = None
    trace: Optional[List[Any]] = None
    cell: Optional[str] = None  # the cell found from the case's location (SPEC §7)
    extra: Optional[Dict[str, Any]] = dataclasses.field(default=None, repr=False)

    _known = ("id", "action", "cell", "error", "level", "handler", "role", "department", "unit", "rule", "assist",
              "reasons", "next_check", "respond_by", "resolve_by", "repinned", "trace", "bundle")

    @property
    def moves(self):
        """Whether the case gets a new owner (escalate, reopen, redispatch)."""
        return self.action in _MOVES

    @classmethod
    def from_dict(cls, d):
        """The action of a JSON object the engine wrote."""
        extra = {k: v for k, v in d.items() if k not in cls._known}
        return cls(id=d.get("id"), action=_enum(ActionKind, d.get("action")), level=d.get("level"),
                   handler=d.get("handler"), role=d.get("role"), department=d.get("department"), unit=d.get("unit"),
                   rule=d.get("rule"), assist=_strings(d.get("assist")),
                   reasons=tuple(_enum(Reason, r) for r in d.get("reasons") or ()),
                   next_check=_time_out(d.get("next_check")), respond_by=_time_out(d.get("respond_by")),
                   resolve_by=_time_out(d.get("resolve_by")), repinned=bool(d.get("repinned", False)),
                   error=d.get("error"), bundle=d.get("bundle"), trace=d.get("trace"), cell=d.get("cell"),
                   extra=extra or None)

    def to_dict(self):
        """The JSON object of this action, in the order and with the fields `gridroute escalate` writes."""
        d = {"id": self.id, "action": str(self.action)}
        if self.action == ActionKind.REJECTED:
            d["error"] = self.error
        else:
            if self.cell is not None:
                d["cell"] = self.cell
            d["level"] = self.level
            if self.action == ActionKind.DISPUTE:
                d["handler"] = None
                d["role"] = None
                d["unit"] = None
            else:
                d["handler"] = self.handler
                d["role"] = self.role
                if self.department is not None:
                    d["department"] = self.department
                d["unit"] = self.unit
            if self.moves or self.repinned:  # a re-pinning answer names the rule whatever its action
                d["rule"] = self.rule
            if self.moves:
                d["assist"] = list(self.assist)
            d["reasons"] = [str(r) for r in self.reasons]
            if self.action in (ActionKind.HOLD, ActionKind.SUSPENDED):
                d["next_check"] = _time_text(self.next_check)
            elif self.moves:
                d["respond_by"] = _time_text(self.respond_by)
                d["resolve_by"] = _time_text(self.resolve_by)
            if self.repinned:
                d["repinned"] = True
            if self.trace is not None:
                d["trace"] = self.trace
        self._extras(d)
        if self.bundle is not None:
            d["bundle"] = self.bundle
        return d
