"""Exceptions: one class per status code of the C ABI, all subclasses of GridrouteError."""
import collections

from . import _capi

#: One problem in a bundle or one lint finding: FILE:LINE:COLUMN: /json/pointer: message.
Diagnostic = collections.namedtuple("Diagnostic", "severity file line column pointer message text")


def _s(b):
    return b.decode("utf-8", errors="replace") if b else ""


def diagnostic_from_c(d):
    return Diagnostic("warning" if d.severity == _capi.SEVERITY_WARNING else "error", _s(d.file), d.line,
                      d.column, _s(d.pointer), _s(d.message), _s(d.text))


class GridrouteError(Exception):
    """A failure reported by libgridroute.

    Attributes: code (the C status), message, file, line, column, pointer (where the first problem is,
    for bundle errors) and diagnostics (every problem found, a list of Diagnostic).
    """
    code = None

    def __init__(self, message, code=None, file="", line=0, column=0, pointer="", diagnostics=()):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.pointer = pointer
        self.diagnostics = list(diagnostics)


class InvalidArgumentError(GridrouteError, ValueError):
    """A missing or impossible argument (GRIDROUTE_E_INVALID_ARGUMENT)."""
    code = _capi.E_INVALID_ARGUMENT


class StructSizeError(GridrouteError):
    """An options struct this library does not know (GRIDROUTE_E_STRUCT_SIZE): binding and library disagree."""
    code = _capi.E_STRUCT_SIZE


class BundleError(GridrouteError):
    """The bundle was refused (GRIDROUTE_E_BUNDLE); `diagnostics` lists every problem found."""
    code = _capi.E_BUNDLE


class RejectedError(GridrouteError, ValueError):
    """One issue or case was rejected (GRIDROUTE_E_REJECTED): `decision` (Engine.route) or `action`
    (Engine.escalate) is the engine's answer, typed; `record` the same as a dict."""
    code = _capi.E_REJECTED
    record = None
    decision = None
    action = None


class NoMemoryError(GridrouteError, MemoryError):
    """Memory could not be allocated (GRIDROUTE_E_NO_MEMORY)."""
    code = _capi.E_NO_MEMORY


class InternalError(GridrouteError):
    """An unexpected failure inside the library (GRIDROUTE_E_INTERNAL)."""
    code = _capi.E_INTERNAL


_BY_CODE = {cls.code: cls for cls in (InvalidArgumentError, StructSizeError, BundleError, RejectedError,
                                      NoMemoryError, InternalError)}


def from_status(lib, status, err_ptr):
    """Builds the exception for a failed call and frees the C error."""
    cls = _BY_CODE.get(status, GridrouteError)
    if err_ptr:
        e = err_ptr.contents
        diags = [diagnostic_from_c(e.diagnostics[i]) for i in range(e.diagnostic_count)]
        exc = cls(_s(e.message), status, _s(e.file), e.line, e.column, _s(e.pointer), diags)
        lib.gridroute_error_free(err_ptr)
    else:
        exc = cls(_s(lib.gridroute_status_string(status)), status)
    return exc
