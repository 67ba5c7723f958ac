"""The typed API (Issue, Case, Decision, Action) on the examples of contract 1.0 and 1.1 (the case lifecycle,
SPEC §6), integer ids, the digest, the version, and the examples of docs/python.md.

Environment as in test_gridroute.py; GRIDROUTE_SHARED_DIR (default: beside GRIDROUTE_COMPARE_JSONL, else
../shared of the repository).
"""
import contextlib
import datetime as dt
import io
import json
import os
import re
import unittest

import gridroute
from gridroute.types import parse_rfc3339

from test_gridroute import LANXI, SOURCE_DIR, compare_line, example_bundles, expected, read_lines


def shared_dir():
    if os.environ.get("GRIDROUTE_SHARED_DIR"):
        return os.environ["GRIDROUTE_SHARED_DIR"]
    if os.environ.get("GRIDROUTE_COMPARE_JSONL"):
        return os.path.dirname(os.path.dirname(os.environ["GRIDROUTE_COMPARE_JSONL"]))
    return os.path.join(SOURCE_DIR, "..", "shared")


LIANSHI = os.path.join(shared_dir(), "examples-1.1", "lianshi")


def now_of(bundle):
    with open(os.path.join(bundle, "NOW.txt"), encoding="utf-8") as f:
        return parse_rfc3339(f.read().strip())


def typed_issue(line):
    """The Issue of a line, with its times as datetimes; None for a line that is not one."""
    try:
        o = json.loads(line)
    except ValueError:
        return None
    if not isinstance(o, dict) or not isinstance(o.get("id"), (str, int)) or isinstance(o.get("id"), bool):
        return None
    location = o.get("location")
    located = "cell" not in o and isinstance(location, list) and len(location) == 2 and \
        all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in location)
    if not all(isinstance(o.get(k), str) for k in ("category", "at")) or not (located or isinstance(o.get("cell"), str)):
        return None
    if o.get("attrs") is not None and not isinstance(o["attrs"], dict):
        return None
    try:
        at = parse_rfc3339(o["at"])
    except ValueError:
        return None
    if located:
        return gridroute.Issue(o["id"], o["category"], None, at, o.get("attrs"), location=tuple(location))
    return gridroute.Issue(o["id"], o["category"], o["cell"], at, o.get("attrs"))


def typed_case(line):
    """The Case of a line, with its lifecycle; None for a line that is not one (those go to the engine as they
    are, and it rejects them)."""
    issue = typed_issue(line)
    if issue is None:
        return None
    o = json.loads(line)
    try:
        returned = [gridroute.Return(r["handler"], parse_rfc3339(r["at"]), r.get("reason"))
                    for r in o.get("returned") or () if set(r) <= {"handler", "at", "reason"}
                    and isinstance(r["handler"], str) and (r.get("reason") is None or isinstance(r["reason"], str))]
        suspended = [gridroute.Suspension(parse_rfc3339(x["from"]), parse_rfc3339(x["to"]) if x.get("to") else None)
                     for x in o.get("suspended") or () if set(x) <= {"from", "to"}]
        if len(returned) != len(o.get("returned") or ()) or len(suspended) != len(o.get("suspended") or ()):
            return None
        extended_to = parse_rfc3339(o["extended_to"]) if o.get("extended_to") is not None else None
        started = parse_rfc3339(o["level_started_at"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    for k in ("rule", "handler"):
        if o.get(k) is not None and not isinstance(o[k], str):
            return None
    return gridroute.Case(issue, o.get("level"), started, o.get("responded"), o.get("reports"),
                          gridroute.CaseStatus(o["status"]) if o.get("status") in ("open", "resolved") else o.get("status"),
                          o.get("rating"), rule=o.get("rule"), handler=o.get("handler"), returned=returned,
                          suspended=suspended, extended_to=extended_to)


class TypedExamplesTest(unittest.TestCase):
    """Every example (shuangcheng, lanxi and the lifecycle's lianshi) through Issue and Case, compared with its
    expected answers by compare_jsonl.py's rules."""

    def bundles(self):
        return example_bundles() + [LIANSHI]

    def assert_matches(self, mode, answers, want):
        self.assertEqual(len(answers), len(want))
        for i, (a, e) in enumerate(zip(answers, want)):
            self.assertIsInstance(a, gridroute.Decision if mode == "route" else gridroute.Action)
            self.assertEqual(compare_line(mode, e, a.to_dict()), [], "line %d (%s)" % (i + 1, e.get("id")))

    def test_issues(self):
        for bundle in self.bundles():
            with self.subTest(bundle=bundle), gridroute.Engine.load(bundle) as engine:
                answers, typed = [], 0
                for line in read_lines(os.path.join(bundle, "issues.jsonl")):
                    issue = typed_issue(line)
                    typed += issue is not None
                    try:
                        answers.append(engine.route(issue if issue is not None else line))
                    except gridroute.RejectedError as e:
                        answers.append(e.decision)
                self.assertGreater(typed, len(answers) * 3 // 4)
                self.assert_matches("route", answers, expected(os.path.join(bundle, "expected-route.jsonl")))

    def test_cases(self):
        for bundle in self.bundles():
            with self.subTest(bundle=bundle), gridroute.Engine.load(bundle) as engine:
                now = now_of(bundle)
                answers, typed = [], 0
                for line in read_lines(os.path.join(bundle, "cases.jsonl")):
                    case = typed_case(line)
                    typed += case is not None
                    try:
                        answers.append(engine.escalate(case if case is not None else line, now))
                    except gridroute.RejectedError as e:
                        answers.append(e.action)
                self.assertGreater(typed, len(answers) * 3 // 4)
                self.assert_matches("escalate", answers, expected(os.path.join(bundle, "expected-escalate.jsonl")))
                # The batch of typed cases gives the same answers.
                cases = [typed_case(line) or line for line in read_lines(os.path.join(bundle, "cases.jsonl"))]
                self.assertEqual([a.to_dict() for a in engine.escalate_many(cases, now, chunk=9)],
                                 [a.to_dict() for a in answers])

    def test_to_dict_is_the_engines_json(self):
        """Each answer read into a Decision or Action writes back the engine's object: the same members, in the
        same order, with the same values (the times too)."""
        for bundle in self.bundles():
            with self.subTest(bundle=bundle), gridroute.Engine.load(bundle) as engine:
                with open(os.path.join(bundle, "issues.jsonl"), "rb") as f:
                    out = engine.route_jsonl(f.read(), explain=True)
                with open(os.path.join(bundle, "cases.jsonl"), "rb") as f:
                    out2 = engine.escalate_jsonl(f.read(), now_of(bundle), explain=True)
                for text, cls in ((out, gridroute.Decision), (out2, gridroute.Action)):
                    for line in text.splitlines():
                        want = json.loads(line)
                        got = cls.from_dict(want)
                        self.assertEqual(list(got.to_dict().items()), list(want.items()))
                        self.assertEqual(got, want)  # the mapping view equals the dict


class LifecycleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bundle = LIANSHI
        cls.engine = gridroute.Engine.load(cls.bundle)
        cls.now = now_of(cls.bundle)
        cls.issues = {typed_issue(line).id: line for line in read_lines(os.path.join(cls.bundle, "issues.jsonl"))
                      if typed_issue(line) is not None}
        cls.cases = {json.loads(line)["id"]: typed_case(line)
                     for line in read_lines(os.path.join(cls.bundle, "cases.jsonl"))}

    @classmethod
    def tearDownClass(cls):
        cls.engine.close()

    def act(self, case_id):
        case = self.cases[case_id]
        self.assertIsInstance(case, gridroute.Case, case_id)
        return self.engine.escalate(case, self.now)

    def test_the_fallback_owner(self):
        d = self.engine.route(typed_issue(self.issues["F01"]))
        self.assertEqual((d.status, d.rule, d.fallback, d.handler), (gridroute.Status.ROUTED, None, True, "center-zz"))
        self.assertEqual(d.bundle, self.engine.digest())
        self.assertEqual(list(d.to_dict())[:4], ["id", "status", "rule", "fallback"])
        self.assertFalse(self.engine.route(typed_issue(self.issues["R01"])).fallback)

    def test_actions_of_the_lifecycle(self):
        a = self.act("L16")
        self.assertEqual(a.action, gridroute.ActionKind.REDISPATCH)
        self.assertEqual(a.reasons, (gridroute.Reason.RETURNED,))
        self.assertTrue(a.moves and a.handler and a.respond_by and a.resolve_by)
        self.assertIsInstance(a.respond_by, dt.datetime)
        self.assertEqual((a.id, a.bundle), ("L16", self.engine.digest()))
        dispute = self.act("L25")
        self.assertEqual((dispute.action, dispute.handler, dispute.role), (gridroute.ActionKind.DISPUTE, None, None))
        self.assertEqual(dispute.to_dict()["handler"], None)
        self.assertEqual(self.act("L32").action, gridroute.ActionKind.SUSPENDED)
        self.assertIsNone(self.act("L32").next_check)
        self.assertIsNotNone(self.act("L33").next_check)
        self.assertTrue(self.act("L09").repinned)
        reopen = self.act("L58")
        self.assertEqual(reopen.action, gridroute.ActionKind.REOPEN)
        self.assertTrue(reopen.assist)
        explained = self.engine.escalate(self.cases["L16"], self.now, explain=True)
        self.assertTrue(explained.trace)
        self.assertEqual(explained.to_dict()["trace"], explained.trace)

    def test_a_case_built_in_python(self):
        base = self.cases["L02"]
        self.assertEqual(self.engine.escalate(base, self.now).handler, "council-xinhua")
        pinned = gridroute.Case(base.issue, 0, base.level_started_at, True, 0, rule="nuisance-in-estate")
        self.assertEqual(self.engine.escalate(pinned, self.now).handler, "pm-jinxiu")
        back = gridroute.Case(base.issue, 0, base.level_started_at, True, 0,
                              returned=[gridroute.Return("council-xinhua", self.now - dt.timedelta(minutes=1))])
        a = self.engine.escalate(back, self.now)
        self.assertEqual((a.action, a.handler), (gridroute.ActionKind.REDISPATCH, "council-xinhua-lx"))
        held = gridroute.Case(base.issue, 0, base.level_started_at, True, 0,
                              suspended=[gridroute.Suspension(self.now - dt.timedelta(hours=1))])
        self.assertEqual(self.engine.escalate(held, self.now).action, gridroute.ActionKind.SUSPENDED)
        bad = gridroute.Case(base.issue, 0, base.level_started_at, True, 0,
                             suspended=[gridroute.Suspension(self.now, self.now - dt.timedelta(hours=1))])
        with self.assertRaises(gridroute.RejectedError) as cm:
            self.engine.escalate(bad, self.now)
        self.assertEqual(cm.exception.action.action, gridroute.ActionKind.REJECTED)
        self.assertIn("suspended/0/to", cm.exception.action.error)

    def test_a_located_case_carries_the_cell_found(self):
        at = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        issue = gridroute.Issue("G", "nuisance.dog.stairwell", None, at, {"private_property": True},
                                location=(120.4326171875, 30.7109375))
        a = self.engine.escalate(gridroute.Case(issue, 0, at, False, 0), self.now)
        self.assertEqual(a.cell, "xinhua-a-01")
        self.assertEqual(list(a.to_dict())[:3], ["id", "action", "cell"])
        by_cell = gridroute.Issue("G", "nuisance.dog.stairwell", "xinhua-a-01", at, {"private_property": True})
        b = self.engine.escalate(gridroute.Case(by_cell, 0, at, False, 0), self.now)
        self.assertIsNone(b.cell)
        self.assertEqual(b.handler, a.handler)
        self.assertNotIn("cell", b.to_dict())


class IssuesTest(unittest.TestCase):
    def setUp(self):
        self.engine = gridroute.Engine.load(LANXI)

    def tearDown(self):
        self.engine.close()

    def test_integer_ids(self):
        # An integer id has no range (SPEC §4): past 64 bits too it comes back as the same int.
        for n in (20261120001, -7, 2**64 - 1, 2**64, -2**63 - 1, 20261203000000000000000001):
            d = self.engine.route(gridroute.Issue(n, "street.vending.gate", "qiaodong-a-01", "2026-11-20T09:15:00+08:00"))
            self.assertEqual(d.id, n)
            self.assertIs(type(d.id), int)
            self.assertEqual(json.loads(json.dumps(d.to_dict()))["id"], n)

    def test_times_as_datetimes(self):
        shanghai = dt.timezone(dt.timedelta(hours=8))
        at = dt.datetime(2026, 11, 20, 9, 15, tzinfo=shanghai)
        as_text = self.engine.route(gridroute.Issue("T", "street.vending.gate", "qiaodong-a-01", "2026-11-20T09:15:00+08:00"))
        for issue in (gridroute.Issue("T", "street.vending.gate", "qiaodong-a-01", at),
                      {"id": "T", "category": "street.vending.gate", "cell": "qiaodong-a-01", "at": at},
                      {"id": "T", "category": "street.vending.gate", "cell": "qiaodong-a-01",
                       "at": at.astimezone(dt.timezone.utc)}):
            self.assertEqual(self.engine.route(issue), as_text)
        self.assertEqual(as_text.resolve_by, dt.datetime(2026, 11, 24, 17, 0, tzinfo=shanghai))
        with self.assertRaises(ValueError):
            self.engine.route(gridroute.Issue("T", "street.vending.gate", "qiaodong-a-01", dt.datetime(2026, 11, 20)))
        case = gridroute.Case(gridroute.Issue("C", "street.vending.gate", "qiaodong-a-01", at), 0, at, False, 0)
        a = self.engine.escalate(case, at + dt.timedelta(minutes=10))
        self.assertEqual(a.action, gridroute.ActionKind.HOLD)
        self.assertEqual(a.next_check.utcoffset(), dt.timedelta(hours=8))

    def test_the_dicts_of_binding_1_0_still_read(self):
        d = self.engine.route({"id": "M", "category": "street.vending.gate", "cell": "qiaodong-a-01",
                               "at": "2026-11-20T09:15:00+08:00"})
        self.assertEqual(d["status"], "routed")
        self.assertEqual(d.get("handler"), d.handler)
        self.assertEqual(d.get("department", "none"), "none")
        self.assertIn("bundle", d)
        self.assertEqual(dict(d), d.to_dict())
        self.assertEqual(d, d.to_dict())
        self.assertEqual(d.status, "routed")  # the enums are strings
        self.assertEqual(str(d.status), "routed")

    def test_digest(self):
        digest = self.engine.digest()
        self.assertRegex(digest, r"^[0-9a-f]{16,}$")
        with gridroute.Engine.load(LANXI) as again:
            self.assertEqual(again.digest(), digest)
            files = {}
            for name in ("units.csv", "handlers.csv"):
                with open(os.path.join(LANXI, name), encoding="utf-8") as f:
                    files[name] = f.read()
            with open(os.path.join(LANXI, "jurisdiction.json"), encoding="utf-8") as f:
                jur = f.read()
            with open(os.path.join(LANXI, "rules.json"), encoding="utf-8") as f:
                rules = f.read()
            again.reload_sources(jur, rules + " ", files)
            self.assertNotEqual(again.digest(), digest)
        closed = gridroute.Engine.load(LANXI)
        closed.close()
        with self.assertRaises(gridroute.InvalidArgumentError):
            closed.digest()

    def test_version_is_the_builds(self):
        with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
            m = re.search(r"project\(gridroute VERSION ([0-9.]+)", f.read())
        self.assertIsNotNone(m)
        self.assertEqual(gridroute.__version__, m.group(1))
        self.assertEqual(gridroute.version(), gridroute.__version__)
        self.assertTrue(gridroute.__version__.startswith("%d.%d." % (gridroute._MAJOR, gridroute._MINOR)))


class DocsTest(unittest.TestCase):
    """The examples of docs/python.md run, from the repository's root, and print what the page says."""

    def test_docs_examples(self):
        with open(os.path.join(SOURCE_DIR, "docs", "python.md"), encoding="utf-8") as f:
            page = f.read()
        blocks = re.findall(r"```(python|text)\n(.*?)```", page, re.S)
        self.assertTrue(any(kind == "python" for kind, _ in blocks))
        namespace = {}
        cwd = os.getcwd()
        os.chdir(SOURCE_DIR)
        try:
            for i, (kind, code) in enumerate(blocks):
                if kind != "python":
                    continue
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    exec(compile(code, "docs/python.md block %d" % (i + 1), "exec"), namespace)
                if i + 1 < len(blocks) and blocks[i + 1][0] == "text":
                    self.assertEqual(out.getvalue(), blocks[i + 1][1], "the output of block %d" % (i + 1))
        finally:
            os.chdir(cwd)


if __name__ == "__main__":
    unittest.main()
