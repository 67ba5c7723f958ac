#!/usr/bin/env python3
"""`gridroute graph` rendered by Graphviz, as a person would look at it.

    graph_test.py --cli build/gridroute --bundle examples/lanxi --out build/tools

Renders the DOT with `dot -Tsvg` (and -Tpng for docs/tools.md) and checks the SVG: every unit id and
every handler id of the bundle is a text of the picture, and each is drawn once.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def bundle_ids(bundle):
    with open(os.path.join(bundle, "jurisdiction.json"), encoding="utf-8") as f:
        j = json.load(f)
    units = [u["id"] for u in j["units"]]
    handlers = [h["id"] for h in j.get("handlers", [])]
    if j.get("units_csv"):
        with open(os.path.join(bundle, j["units_csv"]), encoding="utf-8", newline="") as f:
            units += [row["id"] for row in csv.DictReader(f)]
    if j.get("handlers_csv"):
        with open(os.path.join(bundle, j["handlers_csv"]), encoding="utf-8", newline="") as f:
            handlers += [row["id"] for row in csv.DictReader(f)]
    return units, handlers


def render(cli, bundle, out, stem, *args):
    dot_path, svg_path = os.path.join(out, stem + ".dot"), os.path.join(out, stem + ".svg")
    r = subprocess.run([cli, "graph", bundle, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        sys.exit("gridroute graph failed: " + r.stderr.decode())
    with open(dot_path, "wb") as f:
        f.write(r.stdout)
    for fmt, path in (("svg", svg_path), ("png", os.path.join(out, stem + ".png"))):
        d = subprocess.run(["dot", "-T" + fmt, dot_path, "-o", path], stderr=subprocess.PIPE, timeout=60)
        if d.returncode != 0 or d.stderr.strip():
            sys.exit("dot -T%s: %s" % (fmt, d.stderr.decode()))
    root = ET.parse(svg_path).getroot()
    # Each node is a <g class="node"> whose <text> lines are its label: the first is the id.
    firsts = []
    for g in root.iter(SVG + "g"):
        if g.get("class") == "node":
            texts = [t.text or "" for t in g.iter(SVG + "text")]
            if texts:
                firsts.append(texts[0])
    return firsts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--out", required=True)
    o = ap.parse_args()
    if not shutil.which("dot"):
        sys.exit("dot not found: scripts/setup.sh --tests installs Debian's graphviz package")
    os.makedirs(o.out, exist_ok=True)
    units, handlers = bundle_ids(o.bundle)
    failures = []
    names = render(o.cli, o.bundle, o.out, "lanxi-graph")
    for uid in units + handlers:
        if names.count(uid) != 1:
            failures.append("%s is drawn %d times" % (uid, names.count(uid)))
    if len(names) != len(units) + len(handlers):
        failures.append("%d nodes drawn, %d units and handlers" % (len(names), len(units) + len(handlers)))
    # Below one community, one tier deep: its areas, not their cells.
    part = render(o.cli, o.bundle, o.out, "lanxi-graph-binjiang", "--root", "binjiang", "--depth", "1")
    for uid in ("binjiang", "binjiang-a", "binjiang-b", "binjiang-c", "council-binjiang", "dept-fire"):
        if uid not in part:
            failures.append("--root binjiang --depth 1 lacks " + uid)
    for uid in ("binjiang-a-01", "qiaodong", "council-qiaodong"):
        if uid in part:
            failures.append("--root binjiang --depth 1 draws " + uid)
    # A unit name may hold any text (docs/security.md): quotes, backslashes and control characters,
    # a NUL among them, still make a file Graphviz reads, with every unit drawn.
    odd = os.path.join(o.out, "odd-names")
    shutil.rmtree(odd, ignore_errors=True)
    shutil.copytree(o.bundle, odd)
    with open(os.path.join(odd, "jurisdiction.json"), encoding="utf-8") as f:
        j = json.load(f)
    j["units"][0]["name"] = 'a\u0000b\u001b[2J "q" \\ \u007f end'
    with open(os.path.join(odd, "jurisdiction.json"), "w", encoding="utf-8") as f:
        json.dump(j, f)
    drawn = render(o.cli, odd, o.out, "odd-names")
    if len(drawn) != len(units) + len(handlers):
        failures.append("odd names: %d nodes drawn, %d units and handlers" % (len(drawn), len(units) + len(handlers)))
    with open(os.path.join(o.out, "odd-names.dot"), "rb") as f:
        dot_text = f.read()
    if b"\0" in dot_text or b"\x1b" in dot_text:
        failures.append("odd names: the DOT file holds a raw control character")
    for f in failures:
        print("FAIL:", f)
    if failures:
        return 1
    print("ok: %d units and %d handlers drawn once each; pictures in %s" % (len(units), len(handlers), o.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
