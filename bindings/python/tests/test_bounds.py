"""The binding at the edges of what the library accepts: instants outside the calendar range or missing,
years RFC 3339 cannot write, and time zones that would make an answer depend on the host. The refusals
are the library's, word for word (capi/tests/bounds_test.cpp drives the same values through C).

Environment as for test_gridroute.py (GRIDROUTE_LIBRARY, GRIDROUTE_SOURCE_DIR).
"""
import json
import os
import unittest

import gridroute

SOURCE_DIR = os.environ.get("GRIDROUTE_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
LANXI = os.path.join(SOURCE_DIR, "examples", "lanxi")
RANGE = "must be before 9000-01-01T00:00:00Z (the calendar range) and not before 0000-01-01T00:00:00Z"
MIN = -62167219200 * 10**6  # 0000-01-01T00:00:00Z
MAX = 221845392000 * 10**6  # 9000-01-01T00:00:00Z, the first instant past the range
YEAR_10000 = 253402300800 * 10**6  # 10000-01-01T00:00:00Z, past the years RFC 3339 writes
HOST_ZONES = ["localtime", "libc:localtime", "libc:UTC", "/etc/localtime", "../../etc/localtime"]


def issue(**fields):
    base = {"id": "T", "category": "street.vending.gate", "cell": "qiaodong-a-01"}
    base.update(fields)
    return base


def case(**fields):
    c = issue(at="2025-11-20T09:15:00+08:00", level=0, level_started_at="2025-11-20T09:15:00+08:00",
              responded=False, reports=0, status="open")
    c.update(fields)
    return c


def read(name):
    with open(os.path.join(LANXI, name), encoding="utf-8") as f:
        return f.read()


class TimesTest(unittest.TestCase):
    def test_parse_time_refuses_instants_outside_the_range(self):
        for text in ("0000-01-01T00:00:00+23:59", "0000-01-01T00:00:00+00:01", "9000-01-01T00:00:00Z",
                     "9999-12-31T23:59:59Z"):
            with self.assertRaises(gridroute.InvalidArgumentError) as cm:
                gridroute.parse_time(text)
            self.assertIn("outside the calendar range", cm.exception.message)
        self.assertEqual(gridroute.parse_time("0000-01-01T00:00:00Z"), MIN)
        self.assertEqual(gridroute.parse_time("8999-12-31T23:59:59.999999Z"), MAX - 1)
        with self.assertRaises(gridroute.InvalidArgumentError):
            gridroute.parse_time("")

    def test_format_time_refuses_what_does_not_fit_64_bits(self):
        # ctypes would wrap 2**64 + 5 to 5 and answer 1970-01-01T00:00:00.000005.
        for t in (2**64 + 5, 2**63, -2**63 - 1):
            with self.assertRaises(ValueError):
                gridroute.format_time(t, "UTC")
        with self.assertRaises(TypeError):
            gridroute.format_time(True, "UTC")

    def test_format_time_of_the_none_instant_is_refused_by_the_library(self):
        # -2**63 fits 64 bits: it is GRIDROUTE_TIME_NONE, which the library refuses by name.
        with self.assertRaisesRegex(gridroute.InvalidArgumentError, "GRIDROUTE_TIME_NONE"):
            gridroute.format_time(-2**63, "UTC")

    def test_format_time_writes_every_four_digit_year(self):
        self.assertEqual(gridroute.format_time(MIN, "UTC"), "0000-01-01T00:00:00+00:00")
        self.assertEqual(gridroute.format_time(MAX - 1, "Pacific/Kiritimati"), "9000-01-01T13:59:59.999999+14:00")
        # Past the range of an issue's times: a deadline counted from 8999-12-31 falls in 9000.
        self.assertEqual(gridroute.format_time(MAX, "UTC"), "9000-01-01T00:00:00+00:00")
        self.assertEqual(gridroute.format_time(YEAR_10000 - 1, "UTC"), "9999-12-31T23:59:59.999999+00:00")
        for t, tz in ((MIN, "America/New_York"), (MIN, "Etc/GMT+12"), (MIN - 1, "UTC"), (YEAR_10000, "UTC"),
                      (YEAR_10000 - 1, "Pacific/Kiritimati"), (2**63 - 1, "UTC")):
            with self.assertRaises(gridroute.InvalidArgumentError, msg="%d %s" % (t, tz)):
                gridroute.format_time(t, tz)
        # 0000-01-01T00:00:00Z is still year -1 twelve hours west of UTC (refused above); from noon on, a
        # time there parses back to itself.
        for t in (MIN + 12 * 3600 * 10**6, 0, MAX - 1):
            self.assertEqual(gridroute.parse_time(gridroute.format_time(t, "Etc/GMT+12")), t)

    def test_format_time_refuses_host_zones(self):
        for tz in HOST_ZONES:
            with self.assertRaises(gridroute.InvalidArgumentError) as cm:
                gridroute.format_time(0, tz)
            self.assertIn("IANA", cm.exception.message)


class EngineBoundsTest(unittest.TestCase):
    def setUp(self):
        self.engine = gridroute.Engine.load(LANXI)

    def tearDown(self):
        self.engine.close()

    def test_route_out_of_range_and_missing(self):
        for at, message in (("0000-01-01T00:00:00+23:59", "field 'at' " + RANGE),
                            ("9000-01-01T00:00:00Z", "field 'at' " + RANGE),
                            (None, "missing field 'at'")):
            line = issue(at=at) if at else issue()
            with self.assertRaises(gridroute.RejectedError) as cm:
                self.engine.route(line)
            self.assertEqual(cm.exception.message, message)
            self.assertEqual(cm.exception.record["status"], "rejected")
        # The first instant of the range routes; its deadlines fall in year 0000, which a datetime cannot
        # hold: they stay the engine's text, and to_dict() writes them back unchanged.
        first = self.engine.route(issue(at="0000-01-01T00:00:00Z"))
        self.assertEqual(first.status, "routed")
        self.assertIsInstance(first.respond_by, str)
        self.assertTrue(first.respond_by.startswith("0000-01-0"), first.respond_by)
        self.assertGreater(gridroute.parse_time(first.respond_by), MIN)
        self.assertEqual(first.to_dict()["respond_by"], first.respond_by)
        # A batch answers every line, the bad ones with their refusal.
        text = "\n".join(json.dumps(x) for x in (issue(at="0000-01-01T00:00:00+23:59"), issue(),
                                                   issue(at="2025-11-20T09:15:00+08:00"))) + "\n"
        records = [json.loads(l) for l in self.engine.route_jsonl(text).splitlines()]
        self.assertEqual([r["status"] for r in records], ["rejected", "rejected", "routed"])
        self.assertEqual(records[0]["error"], "field 'at' " + RANGE)
        self.assertEqual(records[1]["error"], "missing field 'at'")

    def test_escalate_out_of_range_and_missing(self):
        for now in (MIN - 1, MAX, 2**63 - 1):
            with self.assertRaises(gridroute.RejectedError) as cm:
                self.engine.escalate(case(), now)
            self.assertEqual(cm.exception.message, "field 'now' " + RANGE)
        with self.assertRaises(gridroute.InvalidArgumentError):
            self.engine.escalate(case(), "0000-01-01T00:00:00+23:59")  # parsed by the library first
        for fields, message in (({"level_started_at": "9000-01-01T00:00:00Z"}, "field 'level_started_at' " + RANGE),
                                ({"extended_to": "0000-01-01T00:00:00+00:01"}, "field 'extended_to' " + RANGE),
                                ({"suspended": [{"from": "9000-01-01T00:00:00Z"}]}, "field 'suspended/0/from' " + RANGE),
                                ({"returned": [{"handler": "x", "at": "9000-01-01T00:00:00Z"}]},
                                 "field 'returned/0/at' " + RANGE)):
            with self.assertRaises(gridroute.RejectedError) as cm:
                self.engine.escalate(case(**fields), "2025-11-20T10:15:00+08:00")
            self.assertEqual(cm.exception.message, message)
        # A case at the first instant of the range: its next check, in year 0000, stays text.
        first = self.engine.escalate(case(at="0000-01-01T00:00:00Z", level_started_at="0000-01-01T00:00:00Z"),
                                     "0000-01-01T03:00:00Z")
        self.assertEqual(first.action, "hold")
        self.assertIsInstance(first.next_check, str)
        self.assertEqual(first.to_dict()["next_check"], first.next_check)
        lines = [json.loads(l) for l in self.engine.escalate_jsonl(json.dumps(case()) + "\n", MAX).splitlines()]
        self.assertEqual(lines[0]["action"], "rejected")
        self.assertEqual(lines[0]["error"], "field 'now' " + RANGE)
        # A missing `now` cannot be passed: None is not a time, and INT64_MIN is the C ABI's "no time".
        with self.assertRaises(TypeError):
            self.engine.escalate(case(), None)
        with self.assertRaises(ValueError):
            self.engine.escalate(case(), -2**63)

    def test_bundle_time_zones_must_be_iana_names(self):
        files = {"units.csv": read("units.csv"), "handlers.csv": read("handlers.csv")}
        for tz in HOST_ZONES:
            jur = json.loads(read("jurisdiction.json"))
            jur["timezone"] = tz
            with self.assertRaises(gridroute.BundleError) as cm:
                gridroute.Engine.from_sources(jur, read("rules.json"), files, label="mem")
            self.assertTrue(any(d.pointer == "/timezone" and "IANA" in d.message for d in cm.exception.diagnostics),
                            [d.text for d in cm.exception.diagnostics])


if __name__ == "__main__":
    unittest.main()
