"""ctypes declarations of the C ABI (capi/include/gridroute.h) and the loading of libgridroute.so.1.

Internal: use the names exported by the gridroute package instead.
"""
import ctypes
import ctypes.util
import os
import sys
import sysconfig

c_int, c_int32, c_uint32, c_int64, c_size_t = ctypes.c_int, ctypes.c_int32, ctypes.c_uint32, ctypes.c_int64, ctypes.c_size_t
c_char_p, c_void_p, POINTER = ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER

# Status codes (gridroute_status); the list only grows.
OK = 0
E_INVALID_ARGUMENT = 1
E_STRUCT_SIZE = 2
E_BUNDLE = 3
E_REJECTED = 4
E_NO_MEMORY = 5
E_INTERNAL = 6

ROUTE_EXPLAIN = 0x1
ESCALATE_EXPLAIN = 0x1  # since 1.1
SEVERITY_WARNING = 1


class Diagnostic(ctypes.Structure):
    _fields_ = [("severity", c_int32), ("line", c_int32), ("column", c_int32), ("reserved_", c_int32),
                ("file", c_char_p), ("pointer", c_char_p), ("message", c_char_p), ("text", c_char_p)]


class Error(ctypes.Structure):
    _fields_ = [("code", c_int), ("message", c_char_p), ("file", c_char_p), ("line", c_int32),
                ("column", c_int32), ("pointer", c_char_p), ("diagnostic_count", c_size_t),
                ("diagnostics", POINTER(Diagnostic))]


class Diagnostics(ctypes.Structure):
    _fields_ = [("count", c_size_t), ("items", POINTER(Diagnostic))]


class Buf(ctypes.Structure):
    _fields_ = [("ptr", c_void_p), ("len", c_size_t), ("reserved", c_size_t)]


class LoadOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("max_json_depth", c_uint32), ("max_file_bytes", ctypes.c_uint64),
                ("max_units", ctypes.c_uint64), ("max_handlers", ctypes.c_uint64), ("max_rules", ctypes.c_uint64),
                ("max_errors", ctypes.c_uint64)]


class File(ctypes.Structure):
    _fields_ = [("name", c_char_p), ("name_len", c_size_t), ("data", c_char_p), ("data_len", c_size_t)]


class BundleSources(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved_", c_uint32), ("label", c_char_p), ("label_len", c_size_t),
                ("jurisdiction_json", c_char_p), ("jurisdiction_json_len", c_size_t),
                ("rules_json", c_char_p), ("rules_json_len", c_size_t),
                ("files", POINTER(File)), ("file_count", c_size_t)]


class CheckOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("max_findings_per_kind", c_uint32)]


class RouteOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("flags", c_uint32)]


class EscalateOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("flags", c_uint32)]


def init(struct_type, **fields):
    """A struct with struct_size set, like the C _INIT macros."""
    s = struct_type(**fields)
    s.struct_size = ctypes.sizeof(struct_type)
    return s


ErrorOut = POINTER(POINTER(Error))
EngineOut = POINTER(c_void_p)

_SIGNATURES = {
    "gridroute_version": (c_char_p, []),
    "gridroute_version_number": (c_uint32, []),
    "gridroute_status_string": (c_char_p, [c_int]),
    "gridroute_buf_dispose": (None, [POINTER(Buf)]),
    "gridroute_error_free": (None, [POINTER(Error)]),
    "gridroute_diagnostics_free": (None, [POINTER(Diagnostics)]),
    "gridroute_time_parse": (c_int, [POINTER(c_int64), c_char_p, c_size_t, ErrorOut]),
    "gridroute_time_format": (c_int, [POINTER(Buf), c_int64, c_char_p, c_size_t, ErrorOut]),
    "gridroute_engine_load": (c_int, [EngineOut, c_char_p, c_size_t, POINTER(LoadOptions), ErrorOut]),
    "gridroute_engine_load_sources": (c_int, [EngineOut, POINTER(BundleSources), POINTER(LoadOptions), ErrorOut]),
    "gridroute_engine_reload": (c_int, [c_void_p, c_char_p, c_size_t, POINTER(LoadOptions), ErrorOut]),
    "gridroute_engine_reload_sources": (c_int, [c_void_p, POINTER(BundleSources), POINTER(LoadOptions), ErrorOut]),
    "gridroute_engine_digest": (c_int, [POINTER(Buf), c_void_p, ErrorOut]),
    "gridroute_engine_free": (None, [c_void_p]),
    "gridroute_engine_check": (c_int, [POINTER(POINTER(Diagnostics)), c_void_p, POINTER(CheckOptions), ErrorOut]),
    "gridroute_engine_route_json": (c_int, [POINTER(Buf), c_void_p, c_char_p, c_size_t, POINTER(RouteOptions),
                                            ErrorOut]),
    "gridroute_engine_route_jsonl": (c_int, [POINTER(Buf), c_void_p, c_char_p, c_size_t, POINTER(RouteOptions),
                                             ErrorOut]),
    "gridroute_engine_escalate_json": (c_int, [POINTER(Buf), c_void_p, c_char_p, c_size_t, c_int64,
                                               POINTER(EscalateOptions), ErrorOut]),
    "gridroute_engine_escalate_jsonl": (c_int, [POINTER(Buf), c_void_p, c_char_p, c_size_t, c_int64,
                                                POINTER(EscalateOptions), ErrorOut]),
    # since 1.2: case books
    "gridroute_case_book_new": (c_int, [POINTER(c_void_p), c_void_p, ErrorOut]),
    "gridroute_case_book_free": (None, [c_void_p]),
    "gridroute_case_book_size": (c_size_t, [c_void_p]),
    "gridroute_case_book_add_jsonl": (c_int, [c_void_p, c_char_p, c_size_t, POINTER(c_size_t), ErrorOut]),
    "gridroute_case_book_replace_json": (c_int, [c_void_p, c_size_t, c_char_p, c_size_t, ErrorOut]),
    "gridroute_case_book_remove": (c_int, [c_void_p, c_size_t, ErrorOut]),
    "gridroute_case_book_sweep_jsonl": (c_int, [POINTER(Buf), c_void_p, c_int64, ErrorOut]),
}


SONAME = "libgridroute.so.1"  # the major version this binding speaks


def _prefix_dirs():
    """Library folders of the prefixes a library installed with this package may sit in (cmake --install
    without ldconfig puts it where the dynamic loader does not look by itself, e.g. /usr/local/lib)."""
    multiarch = sysconfig.get_config_var("MULTIARCH")
    seen = set()
    for prefix in (sys.prefix, sys.base_prefix, "/usr/local", "/usr"):
        for libdir in ([os.path.join("lib", multiarch)] if multiarch else []) + ["lib64", "lib"]:
            d = os.path.join(prefix, libdir)
            if d not in seen:
                seen.add(d)
                yield d


def _candidates():
    env = os.environ.get("GRIDROUTE_LIBRARY")
    if env:
        yield env  # a path, or a name for the dynamic loader
        return
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, SONAME)
    yield SONAME  # the dynamic loader: LD_LIBRARY_PATH, the ld.so cache (ldconfig), the system folders
    found = ctypes.util.find_library("gridroute")
    if found and found != SONAME:
        yield found
    for d in _prefix_dirs():
        path = os.path.join(d, SONAME)
        if os.path.exists(path):
            yield path


def load_library(major=None, minor=0):
    """Loads libgridroute: $GRIDROUTE_LIBRARY, else one beside this package, else libgridroute.so.1 through
    the dynamic loader, else ctypes.util.find_library, else the lib folders of this Python's prefix and of
    /usr/local and /usr. With major, a library of another major version (or an older minor) is passed over."""
    errors = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            errors.append("%s: no such file" % path)
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            errors.append(str(e))
            continue
        version_number = getattr(lib, "gridroute_version_number", None)
        if version_number is None:
            errors.append("%s: not libgridroute (no gridroute_version_number)" % path)
            continue
        version_number.restype, version_number.argtypes = c_uint32, []
        n = version_number()
        if major is not None and not (n // 10000 == major and n // 100 % 100 >= minor):
            errors.append("%s: version %d.%d.%d, not %d.%d or a later %d.x"
                          % (path, n // 10000, n // 100 % 100, n % 100, major, minor, major))
            continue
        missing = [name for name in _SIGNATURES if getattr(lib, name, None) is None]
        if missing:
            errors.append("%s: not libgridroute (no %s)" % (path, missing[0]))
            continue
        for name, (restype, argtypes) in _SIGNATURES.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
        return lib
    raise ImportError("gridroute: cannot load %s (set GRIDROUTE_LIBRARY to its path): %s"
                      % (SONAME, "; ".join(errors)))
