#!/usr/bin/env python3
"""Writes the man page gridroute(1) from the text the CLI prints for --help and COMMAND --help.

    help_to_man.py PATH/TO/gridroute OUT.1 [DOCDIR]

DOCDIR (relative to the installation prefix, e.g. share/doc/gridroute) is named under SEE ALSO.

The top-level help gives NAME (its first line, "gridroute — summary"), SYNOPSIS and the list of commands
(the indented lines after "Usage:"), DESCRIPTION (its other paragraphs) and EXIT STATUS (the paragraph
that starts "Exit status:"). Each command whose "COMMAND --help" starts with "Usage:" gets a subsection
under COMMANDS with that text: plain lines are filled, indented lines (lists, options, examples) keep
their layout. Apart from SEE ALSO nothing is written by hand here, so the page says what --help says.
"""
import re
import subprocess
import sys


def run_help(cli, *args):
    r = subprocess.run([cli, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        return None
    return r.stdout.decode("utf-8")


def esc(text):
    """Escapes plain text for roff: backslashes, hyphens (so options copy as ASCII), control characters."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def bold_options(line):
    """An indented line that starts with an option: the option in bold."""
    m = re.match(r"^(\s*)(-[-\w]+)(.*)$", line)
    if not m:
        return esc(line)
    return m.group(1) + "\\fB" + esc(m.group(2)) + "\\fR" + esc(m.group(3))


def paragraphs(lines):
    block = []
    for line in lines:
        if line.strip():
            block.append(line.rstrip())
        elif block:
            yield block
            block = []
    if block:
        yield block


def body(lines):
    """Paragraphs: runs of unindented lines are filled, runs of indented lines keep their layout."""
    out = []
    for para in paragraphs(lines):
        out.append(".PP")
        run, indented = [], None
        for line in para + [None]:
            is_indented = line is not None and line.startswith(" ")
            if line is None or (run and is_indented != indented):
                if indented:
                    cut = min(len(l) - len(l.lstrip(" ")) for l in run)
                    out += [".RS 2", ".nf"] + [bold_options(l[cut:]) for l in run] + [".fi", ".RE"]
                else:
                    out += [esc(l) for l in run]
                run = []
            if line is not None:
                run.append(line)
                indented = is_indented
    return out


def main():
    cli, out_path = sys.argv[1], sys.argv[2]
    docdir = sys.argv[3] if len(sys.argv) > 3 else ""
    top = run_help(cli, "--help")
    version = (run_help(cli, "version") or "").strip()
    if top is None:
        sys.exit("help_to_man: %s --help failed" % cli)
    lines = top.splitlines()
    name, _, summary = lines[0].partition(" — ")
    name = name.strip() or "gridroute"

    usage, rest, i = [], [], 1
    while i < len(lines):
        if lines[i].strip() == "Usage:":
            i += 1
            while i < len(lines) and lines[i].startswith(" "):
                usage.append(lines[i].strip())
                i += 1
            continue
        rest.append(lines[i])
        i += 1

    description, exit_status = [], []
    for para in paragraphs(rest):
        if para[0].startswith("Exit status:"):
            exit_status += [para[0][len("Exit status:"):].strip()] + para[1:] + [""]
        else:
            description += para + [""]

    commands = []  # (synopsis, summary, help text or None)
    for entry in usage:
        synopsis, what = (re.split(r"\s{2,}", entry, maxsplit=1) + [""])[:2]
        words = synopsis.split()
        if len(words) < 2 or not re.fullmatch(r"[a-z][a-z-]*", words[1]):
            commands.append((synopsis, what, None))  # e.g. "gridroute COMMAND --help"
            continue
        text = run_help(cli, words[1], "--help")
        commands.append((synopsis, what, text if text and text.startswith("Usage:") else None))

    roff = ['.\\" Generated from "%s --help" by cmake/help_to_man.py; edit the help text instead.' % name,
            '.TH %s 1 "" "%s" "User Commands"' % (name.upper(), esc(version or name)),
            ".nh", ".ad l",
            ".SH NAME", "%s \\- %s" % (esc(name), esc(summary.strip())),
            ".SH SYNOPSIS", ".nf"]
    for entry in usage:
        synopsis = re.split(r"\s{2,}", entry, maxsplit=1)[0]
        first, _, args = synopsis.partition(" ")
        roff.append("\\fB%s\\fR %s" % (esc(first), esc(args)))
    roff += [".fi", ".SH DESCRIPTION"] + body(description)
    if commands:
        roff.append(".SH COMMANDS")
    for synopsis, what, text in commands:
        roff += [".SS \"%s\"" % esc(synopsis).replace('"', '\\(dq'), esc(what[:1].upper() + what[1:]) + "."]
        if text:
            lines = text.splitlines()
            full = lines[0][len("Usage:"):].strip()
            # The command's own usage line says more than the list's synopsis (its options): keep it.
            head = [lines[0], ""] if " ".join(full.split()) != " ".join(synopsis.split()) else []
            roff += body(head + lines[1:])
    if exit_status:
        roff += [".SH \"EXIT STATUS\""] + body(exit_status)
    if docdir:
        roff += [".SH \"SEE ALSO\"", "The documentation installed under \\fI%s\\fR in the installation prefix:"
                 % esc(docdir.rstrip("/")), "README.md, docs/cli.md (the command line), docs/formats.md (the files),",
                 "docs/install.md (using the library from C, C++, Python and Go)."]
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(roff) + "\n")


if __name__ == "__main__":
    main()
