"""gridroute — who owns a resident's issue, and when and to whom it escalates.

Python binding over the C ABI (libgridroute.so.1) with ctypes; standard library only.

    import gridroute
    with gridroute.Engine.load("examples/lanxi") as engine:
        d = engine.route(gridroute.Issue("I-1", "street.vending.gate", "qiaodong-a-01",
                                         "2026-11-20T09:15:00+08:00"))
        print(d.status, d.handler, d.resolve_by)      # a Decision (SPEC §4)

The library is found through $GRIDROUTE_LIBRARY, then beside this package, then on the system
(libgridroute.so.1 through the dynamic loader, ctypes.util.find_library, the lib folders of the prefix).
"""
from . import _capi, engine as _engine
from .engine import CaseBook, Engine, format_time, parse_time
from .types import (Action, ActionKind, Case, CaseStatus, Decision, Issue, Reason, Return, Status,
                    Suspension)
from .errors import (BundleError, Diagnostic, GridrouteError, InternalError, InvalidArgumentError, NoMemoryError,
                     RejectedError, StructSizeError)

__version__ = "1.4.0"
_MAJOR, _MINOR = 1, 4

_lib = _capi.load_library(_MAJOR, _MINOR)
_engine._lib = _lib


def version():
    """The version of the loaded C library, e.g. "1.4.0"."""
    return _lib.gridroute_version().decode("ascii")


def _check_version():
    n = _lib.gridroute_version_number()
    major, minor = n // 10000, n // 100 % 100
    if major != _MAJOR or minor < _MINOR:
        raise ImportError("gridroute %s needs libgridroute %d.%d or a later %d.x, but loaded %s"
                          % (__version__, _MAJOR, _MINOR, _MAJOR, version()))


_check_version()

__all__ = ["Engine", "CaseBook", "version", "parse_time", "format_time", "Issue", "Case", "Return", "Suspension", "Decision",
           "Action", "Status", "ActionKind", "Reason", "CaseStatus", "Diagnostic", "GridrouteError",
           "InvalidArgumentError", "StructSizeError", "BundleError", "RejectedError", "NoMemoryError",
           "InternalError"]
