#!/usr/bin/env python3
"""The page of `gridroute diff --html`, opened as a person would open it: in (headless) Chromium.

    diff_report_test.py --cli build/gridroute --bundle examples/lanxi --out build/tools

Makes a changed copy of the bundle (two rules edited), runs `gridroute diff` with --html and --summary,
renders the page with `chromium --dump-dom` and checks what the rendered page shows: the numbers equal
the JSON summary, the table holds exactly the changed lines and sorts (by the address's #sort= and by the
page's own check), the charts add up, no script error. Then takes screenshots for docs/tools.md:
OUT/diff-report.png (the top of the page; docs/tools-diff-report.png is a copy) and OUT/diff-report-full.png.
"""
import argparse
import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("chromium not found: scripts/setup.sh --tests installs Debian's chromium package")


def chromium(browser, profile, *args, timeout=90):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
           "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", *args]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


class Page(html.parser.HTMLParser):
    """The rendered DOM: text by element id, attributes by id, the rows of #changes, the chart bars."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.attrs, self.stack = {}, {}, []
        self.rows, self.row, self.cell, self.in_body = [], None, None, False
        self.bars = []  # (svg id, class, count)
        self.svg = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in ("br", "meta", "line", "rect", "input", "img"):
            self.stack.append((tag, a.get("id")))
        if a.get("id"):
            self.attrs[a["id"]] = a
            self.text.setdefault(a["id"], "")
        if tag == "svg":
            self.svg = a.get("id")
        if tag == "rect":
            self.bars.append((self.svg, a.get("class"), int(a.get("data-count", "0"))))
        if tag == "tbody" and self.inside("changes"):
            self.in_body = True
        if self.in_body and tag == "tr":
            self.row = []
        if self.in_body and tag == "td" and self.row is not None and self.cell is None:
            self.cell = {"text": "", "sort": a.get("data-sort")}
            self.depth = len(self.stack)

    def inside(self, element_id):
        return any(i == element_id for _, i in self.stack)

    def handle_endtag(self, tag):
        if self.cell is not None and tag == "td" and len(self.stack) == self.depth:
            self.row.append(self.cell)
            self.cell = None
        if self.in_body and tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        if tag == "tbody" and self.in_body:
            self.in_body = False
        if tag == "svg":
            self.svg = None
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_data(self, data):
        for _, i in self.stack:
            if i:
                self.text[i] += data
        if self.cell is not None:
            self.cell["text"] += data


def number(page, element_id):
    text = page.text.get(element_id)
    return int(text.strip()) if text is not None and text.strip().lstrip("-").isdigit() else None


def dump(browser, profile, url):
    code, dom, err = chromium(browser, profile, "--virtual-time-budget=5000", "--dump-dom", url)
    check(code == 0, "chromium --dump-dom exits 0 (got %d): %s" % (code, err[-2000:]))
    console = [l for l in err.splitlines() if "CONSOLE" in l or "Uncaught" in l]
    check(not console, "no console messages or script errors: %s" % console)
    page = Page()
    page.feed(dom)
    return page


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--out", required=True)
    o = ap.parse_args()
    os.makedirs(o.out, exist_ok=True)
    browser = find_chromium()
    work = tempfile.mkdtemp(prefix="gridroute_report_")
    try:
        # Next month's list: street vending goes to the residents' council, and night noise loses its
        # priority (so daytime rules win at night).
        # Both bundles side by side in the scratch folder, so the page's title reads "lanxi -> lanxi-next".
        shutil.copytree(o.bundle, os.path.join(work, "lanxi"))
        new = os.path.join(work, "lanxi-next")
        shutil.copytree(o.bundle, new)
        with open(os.path.join(new, "rules.json"), encoding="utf-8") as f:
            rules = json.load(f)
        for r in rules["rules"]:
            if r["id"] == "vending":
                r["route"] = ["resident_council"]
            if r["id"] == "night-noise":
                r["priority"] = -1
        with open(os.path.join(new, "rules.json"), "w", encoding="utf-8") as f:
            json.dump(rules, f, ensure_ascii=False, indent=1)

        report = os.path.join(o.out, "diff-report.html")
        summary_path = os.path.join(o.out, "diff-summary.json")
        with open(os.path.join(o.bundle, "NOW.txt")) as f:
            now = f.read().strip()
        r = subprocess.run([os.path.abspath(o.cli), "diff", "lanxi", "lanxi-next", "lanxi/issues.jsonl",
                            "--cases", "lanxi/cases.jsonl", "--now", now,
                            "--html", os.path.abspath(report), "--summary", os.path.abspath(summary_path)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, cwd=work)
        check(r.returncode == 0, "gridroute diff exits 0: " + r.stderr.decode())
        changed_lines = [json.loads(l) for l in r.stdout.decode().splitlines()]
        with open(summary_path) as f:
            summary = json.load(f)
        check(summary["changed"] > 0 and summary["cases"]["changed"] > 0, "the edit changes issue and case lines")
        check(len(changed_lines) == summary["changed"] + summary["cases"]["changed"],
              "one output line per changed line")

        profile = os.path.join(work, "profile")
        url = "file://" + os.path.abspath(report)
        page = dump(browser, profile, url + "#sort=old_handler")

        sc = page.attrs.get("selfcheck", {})
        check(sc.get("data-status") == "ok", "the page's self-check passes: %s" % page.text.get("selfcheck"))
        check(page.text.get("errors", "").strip() == "", "no script error on the page: %s" % page.text.get("errors"))

        # The numbers a person reads equal the JSON summary.
        check(number(page, "n-lines") == summary["lines"], "lines compared: page %s, summary %s" %
              (number(page, "n-lines"), summary["lines"]))
        check(number(page, "n-changed") == summary["changed"], "lines changed")
        check(number(page, "n-cases") == summary["cases"]["compared"], "cases compared")
        check(number(page, "n-cases-changed") == summary["cases"]["changed"], "cases changed")
        check(number(page, "n-handler-moves") == sum(m["count"] for m in summary["handler_moves"]), "handler moves")
        check(number(page, "n-rule-moves") == sum(m["count"] for m in summary["rule_moves"]), "rule moves")
        for side in ("respond", "resolve"):
            d = summary["deadlines"][side + "_by"]
            check(number(page, "n-%s-earlier" % side) == d["earlier"], side + "_by earlier")
            check(number(page, "n-%s-later" % side) == d["later"], side + "_by later")
            check(number(page, "n-%s-gone" % side) == d["vanished"], side + "_by gone")
            check(number(page, "n-%s-new" % side) == d["appeared"], side + "_by new")
        for field, count in summary["fields"].items():
            check(number(page, "f-" + field) == count, "field count " + field)

        # The table holds exactly the changed lines, sorted as the address asked.
        ids = sorted(str(l["id"]) for l in changed_lines)
        check(sorted(row[1]["text"] for row in page.rows) == ids, "the table's ids are the changed lines")
        old_handlers = [row[4]["text"] for row in page.rows]
        check(old_handlers == sorted(old_handlers), "#sort=old_handler sorts the table: %s" % old_handlers)
        check(page.attrs["changes"].get("data-sorted") == "old_handler", "the table says how it is sorted")

        # The charts add up to the moves.
        moved = sum(m["count"] for m in summary["handler_moves"])
        lost = sum(c for svg, cls, c in page.bars if svg == "chart-handlers" and cls == "lost")
        gained = sum(c for svg, cls, c in page.bars if svg == "chart-handlers" and cls == "gained")
        check(lost == moved and gained == moved, "handler chart: %d away, %d in, %d moved" % (lost, gained, moved))
        tiers = sum(c for svg, cls, c in page.bars if svg == "chart-tiers")
        check(tiers == sum(m["count"] for m in summary["tier_moves"]), "tier chart adds up")

        # Another order: the due shift, largest first.
        page2 = dump(browser, profile, url + "#sort=shift:desc")
        shifts = [int(row[9]["sort"]) for row in page2.rows]
        check(shifts == sorted(shifts, reverse=True), "#sort=shift:desc sorts by due shift: %s" % shifts)
        check(page2.attrs.get("selfcheck", {}).get("data-status") == "ok", "self-check passes sorted by shift")

        # Pictures for the docs.
        for name, size in (("diff-report.png", "1280,820"), ("diff-report-full.png", "1280,2400")):
            path = os.path.join(o.out, name)
            if os.path.exists(path):
                os.remove(path)
            code, _, err = chromium(browser, profile, "--window-size=" + size, "--screenshot=" + path, url)
            dims = png_size(path) if os.path.exists(path) else None
            check(code == 0 and dims is not None, "screenshot %s: %s" % (name, err[-500:]))
            if dims:
                print("screenshot %s: %dx%d, %d bytes" % (path, dims[0], dims[1], os.path.getsize(path)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print("%d checks failed" % len(FAILURES))
        return 1
    print("ok: the page shows the summary's numbers, sorts, and has no script error (%d rows)" % len(page.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
