#!/usr/bin/env python3
"""Times a command from the moment it opens a given input file until it exits.

    benchmarks/after_open.py INPUT_NAME COMMAND...

For `gridroute route BUNDLE LINES.jsonl`: the bundle is opened (and a compiled file's polygons parsed)
before the lines' file is, so the time after that open is the lines' time, without subtracting a
separate run's load (which varies by more than the lines take when the load is seconds long). The
command's standard output goes to /dev/null. /proc/PID/fd is polled every 2 ms: the figure includes up
to 2 ms of latency and the process's exit.
"""
import os
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    needle, cmd = sys.argv[1], sys.argv[2:]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    opened = None
    while proc.poll() is None:
        if opened is None:
            try:
                for fd in os.listdir(f"/proc/{proc.pid}/fd"):
                    try:
                        if needle in os.readlink(f"/proc/{proc.pid}/fd/{fd}"):
                            opened = time.monotonic()
                            break
                    except OSError:
                        pass
            except OSError:
                pass
        time.sleep(0.002)
    end = time.monotonic()
    if proc.returncode != 0:
        print(f"exit status {proc.returncode}", file=sys.stderr)
        return 1
    if opened is None:
        print(f"total {end - start:.2f} s; {needle} was never seen open", file=sys.stderr)
        return 1
    print(f"total {end - start:.2f} s, after opening {needle}: {end - opened:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
