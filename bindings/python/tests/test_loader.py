"""How the binding finds libgridroute.so.1 (gridroute._capi.load_library).

Environment (CTest sets it): GRIDROUTE_LIBRARY, the path of the built libgridroute.so.1. The fallbacks are
tried in child processes, where nothing is loaded yet and the environment is under the test's control.
"""
import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

import gridroute
from gridroute import _capi

LIBRARY = os.path.realpath(os.environ["GRIDROUTE_LIBRARY"])
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(gridroute.__file__)))

# Prints the file the child process loaded libgridroute from.
CHILD = """
import sys
if len(sys.argv) > 1:
    sys.prefix = sys.argv[1]
import gridroute
print([l.split()[-1] for l in open("/proc/self/maps") if "libgridroute.so" in l][0])
"""


def child_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("GRIDROUTE_LIBRARY", "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = PACKAGE_ROOT
    env.update(extra)
    return env


def run_child(env, *args):
    with tempfile.TemporaryDirectory() as cwd:
        return subprocess.run([sys.executable, "-B", "-c", CHILD, *args], env=env, cwd=cwd, capture_output=True,
                              text=True, timeout=60)


def system_has_library():
    """Whether the dynamic loader finds a libgridroute.so.1 without help (one installed on this machine)."""
    r = subprocess.run([sys.executable, "-c", "import ctypes; ctypes.CDLL('libgridroute.so.1')"], env=child_env(),
                       capture_output=True, timeout=60)
    return r.returncode == 0


class LoaderTest(unittest.TestCase):
    def test_another_major_version_is_passed_over(self):
        with self.assertRaisesRegex(ImportError, r"version %s, not %d\.0" % (gridroute.version(), gridroute._MAJOR + 1)):
            _capi.load_library(gridroute._MAJOR + 1, 0)

    def test_a_library_that_is_not_gridroute_is_refused(self):
        with mock.patch.dict(os.environ, {"GRIDROUTE_LIBRARY": "libc.so.6"}):
            with self.assertRaisesRegex(ImportError, r"libc\.so\.6: not libgridroute"):
                _capi.load_library(gridroute._MAJOR, 0)

    def test_missing_file_names_the_variable(self):
        with mock.patch.dict(os.environ, {"GRIDROUTE_LIBRARY": "/nonexistent/libgridroute.so.1"}):
            with self.assertRaisesRegex(ImportError, r"GRIDROUTE_LIBRARY.*/nonexistent/libgridroute\.so\.1: no such file"):
                _capi.load_library(gridroute._MAJOR, 0)

    def test_found_through_the_dynamic_loader(self):
        r = run_child(child_env(LD_LIBRARY_PATH=os.path.dirname(LIBRARY)))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.path.realpath(r.stdout.strip()), LIBRARY)

    def test_found_in_the_lib_folder_of_the_prefix(self):
        if system_has_library():
            self.skipTest("a libgridroute.so.1 is installed on this machine: the loader would take it first")
        with tempfile.TemporaryDirectory() as prefix:
            os.mkdir(os.path.join(prefix, "lib"))
            os.symlink(LIBRARY, os.path.join(prefix, "lib", "libgridroute.so.1"))
            r = run_child(child_env(), prefix)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(os.path.realpath(r.stdout.strip()), LIBRARY)

    def test_not_found_says_how_to_point_at_it(self):
        if system_has_library():
            self.skipTest("a libgridroute.so.1 is installed on this machine")
        r = run_child(child_env())
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("set GRIDROUTE_LIBRARY to its path", r.stderr)


if __name__ == "__main__":
    unittest.main()
