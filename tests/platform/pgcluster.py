"""A private PostgreSQL cluster for tests and benchmarks: initdb into a temporary folder, a free port on
loopback, the unix socket in that folder; stopped and removed by stop(), and by a watchdog process if
the Python process dies first (a test killed on timeout leaves no server behind).

    with Cluster() as pg:
        pg.psql("SELECT 1")
        subprocess.run(["gridroute", "db", "init", "--db", pg.dsn])

As root the server runs as the unprivileged user `nobody` (PostgreSQL refuses to run as root).
Standard library only; the server's own programs (initdb, pg_ctl, psql) come from postgresql-15.
"""
import csv
import glob
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


csv.field_size_limit(1 << 30)  # case documents may be megabytes


class Unavailable(Exception):
    """No PostgreSQL server programs on this machine."""


def find_bindir():
    env = os.environ.get("GRIDROUTE_PG_BINDIR")
    if env:
        return env
    cands = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0)
    if cands:
        return os.path.dirname(cands[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(initdb)
    raise Unavailable("no initdb found (install postgresql-15, or set GRIDROUTE_PG_BINDIR)")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, settings=None, quiet=True):
        self.bindir = find_bindir()
        self.settings = {
            "listen_addresses": "127.0.0.1",
            "max_connections": "50",
            "shared_buffers": "256MB",
            "max_wal_size": "2GB",
            # Tests throw their data away: no need to wait for the disk.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        self.settings.update(settings or {})
        self.quiet = quiet
        self.tmp = None
        self.watchdog = None

    # --- lifecycle ---
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def _as_server_user(self, argv):
        if os.geteuid() == 0:
            return ["runuser", "-u", "nobody", "--"] + argv
        return argv

    def _run(self, argv, **kw):
        return subprocess.run(self._as_server_user(argv), check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, **kw)

    def start(self):
        # As root, the server's user must reach the folder: /tmp, whatever TMPDIR says.
        self.tmp = tempfile.mkdtemp(prefix="gridroute-pg-", dir="/tmp" if os.geteuid() == 0 else None)
        os.chmod(self.tmp, 0o755)
        self.data = os.path.join(self.tmp, "data")
        self.sock = os.path.join(self.tmp, "sock")
        self.log = os.path.join(self.tmp, "server.log")
        os.mkdir(self.sock)
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "nobody", "nogroup")
            shutil.chown(self.sock, "nobody", "nogroup")
        self._start_watchdog()
        try:
            self._run([os.path.join(self.bindir, "initdb"), "-D", self.data, "-A", "trust", "-U", "gridroute",
                       "-E", "UTF8", "--no-locale", "--no-sync"], cwd=self.tmp)
        except subprocess.CalledProcessError as e:
            raise RuntimeError("initdb failed:\n" + e.stdout)
        for attempt in range(5):
            self.port = free_port()
            opts = " ".join("-c %s=%s" % (k, v) for k, v in self.settings.items())
            opts += " -p %d -k %s" % (self.port, self.sock)
            r = subprocess.run(self._as_server_user(
                [os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", self.log, "-w", "-t", "60",
                 "-o", opts, "start"]), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=self.tmp)
            if r.returncode == 0:
                break
        else:
            raise RuntimeError("the server did not start:\n" + r.stdout + "\n" + self.server_log())
        self.dsn = "host=%s port=%d user=gridroute dbname=postgres" % (self.sock, self.port)
        self.tcp_dsn = "host=127.0.0.1 port=%d user=gridroute dbname=postgres" % self.port

    def _start_watchdog(self):
        # Stops the server and removes the folder once this process is gone, however it ended.
        script = ('while kill -0 %d 2>/dev/null; do sleep 1; done; '
                  'if [ -f %s/postmaster.pid ]; then %s %s -D %s -m immediate stop >/dev/null 2>&1; fi; rm -rf %s'
                  % (os.getpid(), self.data, " ".join(self._as_server_user([])),
                     os.path.join(self.bindir, "pg_ctl"), self.data, self.tmp))
        self.watchdog = subprocess.Popen(["sh", "-c", script], start_new_session=True,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)

    def stop(self):
        if self.tmp is None:
            return
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            subprocess.run(self._as_server_user([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m",
                                                 "fast", "-w", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = None
        if self.watchdog:
            self.watchdog.kill()
            self.watchdog.wait()
            self.watchdog = None

    def server_log(self):
        try:
            with open(self.log) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    # --- SQL ---
    def psql(self, sql, *, fields=False, stdin=None, check=True):
        """Runs SQL (a string) through psql; returns the output rows (unaligned, tab-separated) as a list
        of strings, or of lists of fields when `fields`."""
        argv = [os.path.join(self.bindir, "psql"), "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                "-d", self.dsn]
        if stdin is None:
            argv += ["-c", sql]
        else:
            argv += ["-f", "-"]
        r = subprocess.run(argv, input=stdin if stdin is not None else None, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if check and r.returncode != 0:
            raise RuntimeError("psql failed (%d): %s\nSQL: %s" % (r.returncode, r.stderr.strip(), sql[:500]))
        rows = [ln for ln in r.stdout.split("\n") if ln != ""]
        return [ln.split("\t") for ln in rows] if fields else rows

    def psql_script(self, script):
        """Runs a multi-statement SQL script (psql -f -)."""
        return self.psql(None, stdin=script)

    def copy_out(self, query):
        """Rows of a query as lists of strings (None for NULL; a value that is the text \\N reads as
        NULL too). CSV, for Python's C parser."""
        argv = [os.path.join(self.bindir, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.dsn,
                "-c", "COPY (%s) TO STDOUT WITH (FORMAT csv, NULL '\\N')" % query]
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise RuntimeError("psql COPY failed: %s" % r.stderr.decode(errors="replace"))
        rows = csv.reader(io.StringIO(r.stdout.decode("utf-8"), newline=""))
        return [[None if f == "\\N" else f for f in row] for row in rows]

    def copy_in(self, table_and_columns, rows):
        """COPY rows (lists of strings or None) into a table."""
        data = "".join("\t".join("\\N" if f is None else _escape_copy(f) for f in row) + "\n" for row in rows)
        argv = [os.path.join(self.bindir, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.dsn,
                "-c", "COPY %s FROM STDIN" % table_and_columns]
        r = subprocess.run(argv, input=data.encode("utf-8"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise RuntimeError("psql COPY in failed: %s" % r.stderr.decode(errors="replace"))


_ESC = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_copy(s):
    return "".join(_ESC.get(c, c) for c in s)


if __name__ == "__main__":
    # A cluster to play with: prints its DSN and waits for Enter.
    with Cluster() as pg:
        print(pg.dsn, flush=True)
        print(pg.psql("SELECT version()")[0], flush=True)
        if sys.stdin.isatty():
            input("Enter stops the server ")
