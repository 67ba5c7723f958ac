/* gridroute.h — the stable C ABI of gridroute: who owns a resident's issue, and when and to whom it
 * escalates. This is the only header a C, Python or Go user needs. C99; no C++ required.
 *
 *   gridroute_engine *engine = NULL;
 *   gridroute_error *err = NULL;
 *   if (gridroute_engine_load(&engine, "examples/lanxi", GRIDROUTE_NTS, NULL, &err) != GRIDROUTE_OK) {
 *     fprintf(stderr, "%s\n", err->message);
 *     gridroute_error_free(err);
 *     return 1;
 *   }
 *   gridroute_buf out = GRIDROUTE_BUF_INIT;
 *   gridroute_engine_route_json(&out, engine, line, GRIDROUTE_NTS, NULL, NULL);  // out.ptr: a decision
 *   puts(out.ptr);
 *   gridroute_buf_dispose(&out);
 *   gridroute_engine_free(engine);
 *
 * Conventions (docs/c-api.md has the long form):
 * - Every function that can fail returns an int status: GRIDROUTE_OK (0) or a gridroute_status code.
 *   The codes only grow; treat an unknown non-zero code as a failure.
 * - Output parameters come first. Detail on failure goes to an optional `gridroute_error **err`
 *   (pass NULL to ignore it): on failure *err receives a new error to free with gridroute_error_free;
 *   on success *err is set to NULL. There is no thread-local or global error state.
 * - Input strings are UTF-8 pointer + length; a length of GRIDROUTE_NTS means "NUL-terminated".
 *   Output strings (gridroute_string) are pointer + length and are NOT guaranteed NUL-terminated.
 * - Option and input structs start with `uint32_t struct_size`; initialise them with their _INIT macro
 *   (or *_init function). A NULL options pointer means the defaults. A struct_size this library does
 *   not know gives GRIDROUTE_E_STRUCT_SIZE.
 * - Handles are created and freed by the library; every *_free and *_release function accepts NULL.
 * - No C++ exception or type crosses this boundary: an unexpected failure is GRIDROUTE_E_INTERNAL.
 * - Threading is stated on every function: "Thread-safe" means any number of threads may call it at
 *   once on the same objects.
 */
#ifndef GRIDROUTE_H
#define GRIDROUTE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- export macro -------------------------------------------------------------------------------- */

#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(GRIDROUTE_BUILDING_LIBRARY)
#    define GRIDROUTE_API __declspec(dllexport)
#  elif defined(GRIDROUTE_STATIC)
#    define GRIDROUTE_API
#  else
#    define GRIDROUTE_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define GRIDROUTE_API __attribute__((visibility("default")))
#else
#  define GRIDROUTE_API
#endif

/* ---- version ------------------------------------------------------------------------------------- */

/* GRIDROUTE_VERSION_MAJOR, _MINOR, _PATCH, _STRING and _NUMBER (MAJOR * 10000 + MINOR * 100 + PATCH):
 * the version of this header, generated from the build's one version. */
#include "gridroute_version.h"

/* The version of the library actually loaded, e.g. "1.0.0". Static string. Thread-safe. */
GRIDROUTE_API const char *gridroute_version(void);
/* The same as a number, comparable with GRIDROUTE_VERSION_NUMBER. Thread-safe. */
GRIDROUTE_API uint32_t gridroute_version_number(void);

/* ---- status codes -------------------------------------------------------------------------------- */

/* Status codes. Functions return them as `int`. The list only grows; values never change. */
typedef enum gridroute_status {
  GRIDROUTE_OK = 0,
  /* A required pointer is NULL, a length is impossible, a flag or enum value is unknown, a time text
   * does not parse, or a time zone is unknown. */
  GRIDROUTE_E_INVALID_ARGUMENT = 1,
  /* An option or input struct has a struct_size this library does not know. */
  GRIDROUTE_E_STRUCT_SIZE = 2,
  /* The bundle was refused (the engine never runs half a bundle). The error carries every diagnostic;
   * its file/line/column/pointer are those of the first. A failed reload keeps the old snapshot. */
  GRIDROUTE_E_BUNDLE = 3,
  /* One issue or case was rejected: invalid UTF-8, bad or truncated JSON, a missing field, an unknown
   * cell or category, an attribute of the wrong type, an unrouted case. The output (if any) still holds
   * the `rejected` record. Batches (the *_jsonl functions) never fail for this. */
  GRIDROUTE_E_REJECTED = 4,
  /* Memory could not be allocated. */
  GRIDROUTE_E_NO_MEMORY = 5,
  /* An unexpected failure inside the library (a bug): caught at the boundary, reported here. */
  GRIDROUTE_E_INTERNAL = 6
} gridroute_status;

/* A short English description of a status code ("bundle refused", ...); "unknown status" for codes this
 * library does not know. Static string. Thread-safe. */
GRIDROUTE_API const char *gridroute_status_string(int status);

/* ---- strings and buffers ------------------------------------------------------------------------- */

/* For an input length: the string is NUL-terminated. */
#define GRIDROUTE_NTS ((size_t)-1)

/* A library-owned output string: `len` bytes of UTF-8 at `ptr`, not necessarily NUL-terminated.
 * An absent value is {NULL, 0}. Its lifetime is stated where it is returned. */
typedef struct gridroute_string {
  const char *ptr;
  size_t len;
} gridroute_string;

/* A growable output buffer owned by the library (the libgit2 git_buf pattern). Start with
 * GRIDROUTE_BUF_INIT, pass it to any number of calls (each replaces the content and reuses the memory),
 * then gridroute_buf_dispose. `ptr` is NUL-terminated after any successful write; `reserved` is private.
 * This struct never changes. A buffer must not be used by two threads at once. */
typedef struct gridroute_buf {
  char *ptr;
  size_t len;
  size_t reserved;
} gridroute_buf;

#define GRIDROUTE_BUF_INIT {NULL, 0, 0}

/* Frees the buffer's memory and resets it to GRIDROUTE_BUF_INIT. NULL is a no-op. Not thread-safe for
 * one buffer; distinct buffers are independent. */
GRIDROUTE_API void gridroute_buf_dispose(gridroute_buf *buf);

/* ---- errors and diagnostics ---------------------------------------------------------------------- */

typedef enum gridroute_severity {
  GRIDROUTE_SEVERITY_ERROR = 0,
  GRIDROUTE_SEVERITY_WARNING = 1
} gridroute_severity;

/* One problem in a bundle, or one lint finding: `FILE:LINE:COLUMN: /json/pointer: message`.
 * Strings are NUL-terminated and never NULL ("" when absent). This struct never changes (it is used in
 * arrays); later information will come through new functions. */
typedef struct gridroute_diagnostic {
  int32_t severity;    /* gridroute_severity */
  int32_t line;        /* 1-based; 0 when unknown */
  int32_t column;      /* 1-based byte column; 0 for CSV files or when unknown */
  int32_t reserved_;
  const char *file;    /* e.g. "examples/lanxi/rules.json"; "" when not about a file */
  const char *pointer; /* RFC 6901 JSON pointer; "" for CSV */
  const char *message;
  const char *text;    /* the whole line, as `gridroute check` prints it */
} gridroute_diagnostic;

/* Detail of a failure. Allocated by the library, read-only for the caller, freed with
 * gridroute_error_free. Never allocate one yourself: fields may be appended in later versions.
 * All strings are NUL-terminated and never NULL ("" when absent). */
typedef struct gridroute_error {
  int code;                 /* the gridroute_status returned with it */
  const char *message;      /* one line, e.g. "bundle refused: 2 errors; first: ..." */
  const char *file;         /* where the first problem is (bundle errors), else "" */
  int32_t line;             /* 1-based; 0 when unknown */
  int32_t column;           /* 1-based; 0 when unknown */
  const char *pointer;      /* JSON pointer of the first problem, else "" */
  size_t diagnostic_count;  /* every problem found (bundle errors); 0 otherwise */
  const gridroute_diagnostic *diagnostics;
} gridroute_error;

/* Frees an error and everything it points to. NULL is a no-op. Thread-safe (for distinct errors). */
GRIDROUTE_API void gridroute_error_free(gridroute_error *err);

/* A list of diagnostics returned by gridroute_engine_check. Read-only; free with
 * gridroute_diagnostics_free. */
typedef struct gridroute_diagnostics {
  size_t count;
  const gridroute_diagnostic *items;
} gridroute_diagnostics;

/* Frees a list from gridroute_engine_check. NULL is a no-op. Thread-safe (for distinct lists). */
GRIDROUTE_API void gridroute_diagnostics_free(gridroute_diagnostics *list);

/* ---- time ---------------------------------------------------------------------------------------- */

/* Times are int64 microseconds since 1970-01-01T00:00:00Z. An absent time is GRIDROUTE_TIME_NONE. Where a
 * time is required (an issue's `at`, a case's `level_started_at`, the `now` of an evaluation), 0 counts as
 * absent too: a field left at 0 is refused, not read as 1970. Without a `now`, every case is rejected
 * with "no time to evaluate at: 'now' is not set". */
#define GRIDROUTE_TIME_NONE INT64_MIN

/* Parses an RFC 3339 time with an offset ("2026-11-20T09:15:00+08:00", "...Z") into *out.
 * GRIDROUTE_E_INVALID_ARGUMENT when it does not parse (*out is then left as it was). Thread-safe. */
GRIDROUTE_API int gridroute_time_parse(int64_t *out, const char *text, size_t len, gridroute_error **err);

/* Writes `t` as RFC 3339 in the IANA time zone `tz` (e.g. a decision's `timezone`) into `out`,
 * e.g. "2026-11-20T09:15:00+08:00". GRIDROUTE_E_INVALID_ARGUMENT for an unknown zone,
 * GRIDROUTE_TIME_NONE, or a time whose year in `tz` is outside 0000 to 9999 (RFC 3339's years). Every
 * deadline the engine gives is written: the issues' own times end before 9000-01-01T00:00:00Z (what
 * gridroute_time_parse reads for them), and a deadline counted from the last of them falls in 9000.
 * Thread-safe (for distinct buffers). */
GRIDROUTE_API int gridroute_time_format(gridroute_buf *out, int64_t t, const char *tz, size_t tz_len,
                                        gridroute_error **err);

/* ---- engines ------------------------------------------------------------------------------------- */

/* An engine: the current compiled bundle (a snapshot), swappable while other threads route.
 * Routing, escalation and check are thread-safe on one engine, also while another thread reloads it:
 * each call uses the snapshot current when it starts, for the whole call. Only gridroute_engine_free
 * must not run concurrently with any other use of the engine. */
typedef struct gridroute_engine gridroute_engine;

/* Limits for loading a bundle. Zero in a field means its default. */
typedef struct gridroute_load_options {
  uint32_t struct_size;     /* sizeof(gridroute_load_options) */
  uint32_t max_json_depth;  /* default 64 */
  uint64_t max_file_bytes;  /* per file; default 1 GiB */
  uint64_t max_units;       /* default 20,000,000 */
  uint64_t max_handlers;    /* default 10,000,000 */
  uint64_t max_rules;       /* default 1,000,000 */
  uint64_t max_errors;      /* stop collecting diagnostics after this many; default 1000 */
  /* Since 1.1 (a struct of the older size leaves these at their defaults): */
  uint64_t max_calendars;   /* calendars in rules.json; default 10,000 */
} gridroute_load_options;

#define GRIDROUTE_LOAD_OPTIONS_INIT {sizeof(gridroute_load_options), 0, 0, 0, 0, 0, 0, 0}

/* Sets *opts to GRIDROUTE_LOAD_OPTIONS_INIT; `struct_size` must be sizeof(gridroute_load_options) (or the
 * size of an older version of it, whose fields alone are written). Thread-safe. */
GRIDROUTE_API int gridroute_load_options_init(gridroute_load_options *opts, uint32_t struct_size);

/* A file given in memory (a CSV named by jurisdiction.json's units_csv / handlers_csv). This struct
 * never changes (it is used in arrays). */
typedef struct gridroute_file {
  const char *name;  /* as named in jurisdiction.json, e.g. "units.csv" */
  size_t name_len;   /* or GRIDROUTE_NTS */
  const char *data;
  size_t data_len;   /* or GRIDROUTE_NTS */
} gridroute_file;

/* A bundle given in memory rather than as a directory. */
typedef struct gridroute_bundle_sources {
  uint32_t struct_size;          /* sizeof(gridroute_bundle_sources) */
  uint32_t reserved_;
  const char *label;             /* prefix of file names in diagnostics; NULL means "<memory>" */
  size_t label_len;              /* or GRIDROUTE_NTS */
  const char *jurisdiction_json; /* the text of jurisdiction.json (required) */
  size_t jurisdiction_json_len;  /* or GRIDROUTE_NTS */
  const char *rules_json;        /* the text of rules.json (required) */
  size_t rules_json_len;         /* or GRIDROUTE_NTS */
  const gridroute_file *files;   /* may be NULL when file_count is 0 */
  size_t file_count;
} gridroute_bundle_sources;

#define GRIDROUTE_BUNDLE_SOURCES_INIT {sizeof(gridroute_bundle_sources), 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0}

/* Loads and compiles the bundle in directory `dir` (jurisdiction.json, rules.json and the CSV files
 * they name) into a new engine in *out (set to NULL on failure). On GRIDROUTE_E_BUNDLE the error lists
 * every problem found. The text is copied: the caller's memory is not used after the call.
 * Thread-safe. */
GRIDROUTE_API int gridroute_engine_load(gridroute_engine **out, const char *dir, size_t dir_len,
                                        const gridroute_load_options *opts, gridroute_error **err);

/* As gridroute_engine_load, from texts in memory. Thread-safe. */
GRIDROUTE_API int gridroute_engine_load_sources(gridroute_engine **out, const gridroute_bundle_sources *sources,
                                                const gridroute_load_options *opts, gridroute_error **err);

/* Loads a bundle and swaps it in atomically: calls already running finish on the old snapshot, calls
 * starting afterwards use the new one. On failure the old snapshot keeps serving. Thread-safe, also
 * against concurrent routing and other reloads (the last swap wins). */
GRIDROUTE_API int gridroute_engine_reload(gridroute_engine *engine, const char *dir, size_t dir_len,
                                          const gridroute_load_options *opts, gridroute_error **err);

/* As gridroute_engine_reload, from texts in memory. Thread-safe. */
GRIDROUTE_API int gridroute_engine_reload_sources(gridroute_engine *engine, const gridroute_bundle_sources *sources,
                                                  const gridroute_load_options *opts, gridroute_error **err);

/* Since 1.1. Writes the digest of the engine's current bundle (SPEC §6.6: lowercase hex, the same on
 * every machine for the same files) into `out`. Thread-safe. */
GRIDROUTE_API int gridroute_engine_digest(gridroute_buf *out, const gridroute_engine *engine, gridroute_error **err);

/* Frees an engine. NULL is a no-op. Results already returned (decisions, actions) stay valid: they hold
 * their own reference on their snapshot. Not thread-safe: no other call may use the engine meanwhile
 * or afterwards. */
GRIDROUTE_API void gridroute_engine_free(gridroute_engine *engine);

/* ---- check (lint) -------------------------------------------------------------------------------- */

typedef struct gridroute_check_options {
  uint32_t struct_size;              /* sizeof(gridroute_check_options) */
  uint32_t max_findings_per_kind;    /* 0 means the default, 100 */
} gridroute_check_options;

#define GRIDROUTE_CHECK_OPTIONS_INIT {sizeof(gridroute_check_options), 0}

/* Lints the engine's current snapshot (the warnings of `gridroute check`: coverage holes, shadowed
 * rules, handlers serving nothing routable, unused policies) into a new list in *out (NULL on failure;
 * an empty list when clean). Free it with gridroute_diagnostics_free. Thread-safe. */
GRIDROUTE_API int gridroute_engine_check(gridroute_diagnostics **out, const gridroute_engine *engine,
                                         const gridroute_check_options *opts, gridroute_error **err);

/* ---- routing and escalation: JSON in, JSON out ---------------------------------------------------- */

/* Route option flags. */
#define GRIDROUTE_ROUTE_EXPLAIN 0x1u /* add "trace": the rules considered, in order, and why each lost */

typedef struct gridroute_route_options {
  uint32_t struct_size; /* sizeof(gridroute_route_options) */
  uint32_t flags;       /* GRIDROUTE_ROUTE_* */
} gridroute_route_options;

#define GRIDROUTE_ROUTE_OPTIONS_INIT {sizeof(gridroute_route_options), 0}

/* Escalate option flags. */
#define GRIDROUTE_ESCALATE_EXPLAIN 0x1u /* since 1.1: add "trace", the steps that led to the action */

typedef struct gridroute_escalate_options {
  uint32_t struct_size; /* sizeof(gridroute_escalate_options) */
  uint32_t flags;       /* GRIDROUTE_ESCALATE_* */
} gridroute_escalate_options;

#define GRIDROUTE_ESCALATE_OPTIONS_INIT {sizeof(gridroute_escalate_options), 0}

/* Routes one issue line (a JSON object, SPEC §4) and writes one decision object, without a newline, into
 * `out`: exactly what `gridroute route` prints for that line. A bad line gives GRIDROUTE_E_REJECTED with
 * the reason in the error, and `out` still holds the `rejected` record. Thread-safe on a shared engine
 * (not on a shared buffer). */
GRIDROUTE_API int gridroute_engine_route_json(gridroute_buf *out, const gridroute_engine *engine, const char *line,
                                              size_t len, const gridroute_route_options *opts, gridroute_error **err);

/* Routes a batch of JSON Lines against one snapshot and writes one decision line ('\n'-terminated) per
 * non-blank input line, in input order, into `out`: exactly `gridroute route`'s output. Bad lines give
 * `rejected` records and the batch goes on (the status stays GRIDROUTE_OK). Thread-safe on a shared
 * engine. */
GRIDROUTE_API int gridroute_engine_route_jsonl(gridroute_buf *out, const gridroute_engine *engine, const char *text,
                                               size_t len, const gridroute_route_options *opts, gridroute_error **err);

/* Evaluates one case line at `now` (unix microseconds) and writes one action object into `out`, as
 * `gridroute escalate` does. A bad case gives GRIDROUTE_E_REJECTED, and `out` holds the `rejected`
 * record. Thread-safe on a shared engine. */
GRIDROUTE_API int gridroute_engine_escalate_json(gridroute_buf *out, const gridroute_engine *engine, const char *line,
                                                 size_t len, int64_t now, const gridroute_escalate_options *opts,
                                                 gridroute_error **err);

/* Evaluates a batch of case lines at `now`, one action line per non-blank line (as `gridroute escalate`).
 * Bad lines give `rejected` records; the status stays GRIDROUTE_OK. Thread-safe on a shared engine. */
GRIDROUTE_API int gridroute_engine_escalate_jsonl(gridroute_buf *out, const gridroute_engine *engine,
                                                  const char *text, size_t len, int64_t now,
                                                  const gridroute_escalate_options *opts, gridroute_error **err);

/* ---- a scheduler's open cases, kept between sweeps (since 1.2) ---------------------------------- */

/* A case book holds a scheduler's open cases: each case line is checked and settled once, when it is
 * added or replaced after an event (a dispatch, an approved return, a suspension, an extension, a
 * rating), and each sweep only compares `now` with the deadlines it keeps. A sweep writes exactly what
 * gridroute_engine_escalate_jsonl writes for the same lines at the same `now`, ten times faster at a
 * million cases (docs/lifecycle.md). A book answers with the bundle the engine had when the book was
 * made: after a reload, make a new book. Sweeps of one book may run on several threads at once; adding,
 * replacing and removing may not run beside anything else on that book. */
typedef struct gridroute_case_book gridroute_case_book;

/* A new, empty book on the engine's current bundle, in *out (NULL on failure). Free it with
 * gridroute_case_book_free. */
GRIDROUTE_API int gridroute_case_book_new(gridroute_case_book **out, const gridroute_engine *engine,
                                          gridroute_error **err);
/* NULL is a no-op. */
GRIDROUTE_API void gridroute_case_book_free(gridroute_case_book *book);
/* How many cases the book holds (0 for NULL). Their slots are 0 to size - 1. */
GRIDROUTE_API size_t gridroute_case_book_size(const gridroute_case_book *book);
/* Adds every non-blank line of `text` (case lines, SPEC §4 and §6) as a case, in order; *first (when not
 * NULL) receives the slot of the first (the book's size before the call, also when nothing is added or
 * the call fails). A line that cannot be read is kept: every sweep answers it `rejected`, as gridroute
 * escalate does. `text` may be NULL with length 0 (or GRIDROUTE_NTS): no line, nothing added. */
GRIDROUTE_API int gridroute_case_book_add_jsonl(gridroute_case_book *book, const char *text, size_t len,
                                                size_t *first, gridroute_error **err);
/* Replaces the case in `slot` by one case line (the case after an event, whole). */
GRIDROUTE_API int gridroute_case_book_replace_json(gridroute_case_book *book, size_t slot, const char *line,
                                                   size_t len, gridroute_error **err);
/* Takes the case in `slot` out; the last case moves into `slot` (a swap and a pop). */
GRIDROUTE_API int gridroute_case_book_remove(gridroute_case_book *book, size_t slot, gridroute_error **err);
/* The action of every case at `now` (unix microseconds): one line ('\n'-terminated) per case, in slot
 * order, into `out`. */
GRIDROUTE_API int gridroute_case_book_sweep_jsonl(gridroute_buf *out, const gridroute_case_book *book, int64_t now,
                                                  gridroute_error **err);

/* ---- routing and escalation: the struct fast path (no JSON) --------------------------------------- */

typedef enum gridroute_attr_type {
  GRIDROUTE_ATTR_BOOL = 1,
  GRIDROUTE_ATTR_NUMBER = 2,
  GRIDROUTE_ATTR_STRING = 3,
  GRIDROUTE_ATTR_NULL = 4,   /* a JSON null: rejects the issue if the attribute is declared */
  GRIDROUTE_ATTR_OBJECT = 5, /* a JSON object (no value carried): likewise */
  GRIDROUTE_ATTR_LIST = 6    /* a JSON list (no value carried): likewise */
} gridroute_attr_type;

/* One issue attribute. This struct never changes (it is used in arrays). */
typedef struct gridroute_attr {
  const char *name;
  size_t name_len;     /* or GRIDROUTE_NTS */
  int32_t type;        /* gridroute_attr_type */
  int32_t boolean;     /* GRIDROUTE_ATTR_BOOL: 0 false, anything else true */
  double number;       /* GRIDROUTE_ATTR_NUMBER */
  const char *string;  /* GRIDROUTE_ATTR_STRING */
  size_t string_len;   /* or GRIDROUTE_NTS */
} gridroute_attr;

/* An issue. The strings are only read during the call. */
typedef struct gridroute_issue {
  uint32_t struct_size;        /* sizeof(gridroute_issue) */
  uint32_t reserved_;
  const char *id;              /* required: NULL is refused as "missing field 'id'" ("" is an id) */
  size_t id_len;               /* or GRIDROUTE_NTS */
  const char *category;        /* required */
  size_t category_len;         /* or GRIDROUTE_NTS */
  const char *cell;            /* required: a cell of the jurisdiction */
  size_t cell_len;             /* or GRIDROUTE_NTS */
  int64_t at;                  /* when reported: unix microseconds; 0 or GRIDROUTE_TIME_NONE: not set */
  const gridroute_attr *attrs; /* may be NULL when attr_count is 0 */
  size_t attr_count;
  /* Since 1.1 (SPEC §7): a place instead of `cell` (leave `cell` NULL): the library finds the cell whose
   * polygon holds the point. Longitude and latitude in degrees (WGS 84, as the bundle's polygons). */
  int32_t has_location;        /* 1: lon and lat are given */
  int32_t reserved2_;
  double lon;
  double lat;
  /* Since 1.3: the cell by its number, for a caller that keeps the numbers of its cells
   * (gridroute_engine_find_units): the cell's id is then not looked up, and a decision reads fewer lines
   * of memory. `cell_generation` is the generation find_units gave with the number; 0 means "no number"
   * (the INIT value). When it is the generation of the engine's current snapshot, `cell_number` is the
   * cell and `cell` and the location are not read. When the engine has been reloaded since, the number is
   * not used: the issue is routed by `cell` or its location if it gives one, and is rejected otherwise
   * (look the numbers up again). A number that is not a cell of the snapshot is rejected, except
   * GRIDROUTE_UNIT_NONE in an issue that gives `cell` or a location: that is routed by them, so that the
   * rejection names the unknown id. */
  uint64_t cell_generation;
  int32_t cell_number;
  int32_t reserved3_;
} gridroute_issue;

#define GRIDROUTE_ISSUE_INIT {sizeof(gridroute_issue), 0, NULL, 0, NULL, 0, NULL, 0, 0, NULL, 0, 0, 0, 0, 0, \
    0, 0, 0}

/* Private part of results; never touch it. */
typedef struct gridroute_result_hold gridroute_result_hold;

typedef enum gridroute_decision_status {
  GRIDROUTE_DECISION_ROUTED = 1,
  GRIDROUTE_DECISION_UNROUTED = 2,
  GRIDROUTE_DECISION_REJECTED = 3
} gridroute_decision_status;

/* A decision, filled by gridroute_engine_route. Start with GRIDROUTE_DECISION_INIT.
 *
 * Lifetime: the strings and arrays point into the snapshot that made the decision, and into memory the
 * decision holds. The decision holds a reference on that snapshot, so they stay valid -- across reloads
 * and even after gridroute_engine_free -- until gridroute_decision_release(d), or until `d` is passed to
 * gridroute_engine_route again (which releases the old contents first and reuses the memory). Release
 * every decision exactly as you would free memory; a released decision is back to its INIT state.
 * A decision must not be used by two threads at once; distinct decisions are independent. */
typedef struct gridroute_decision {
  uint32_t struct_size;          /* sizeof(gridroute_decision), set by GRIDROUTE_DECISION_INIT */
  int32_t status;                /* gridroute_decision_status; 0 before the first route */
  gridroute_string rule;         /* routed: the winning rule */
  gridroute_string role;         /* routed: the owner's role */
  gridroute_string department;   /* routed: the role's department, or {NULL, 0} */
  gridroute_string handler;      /* routed: the owner */
  gridroute_string unit;         /* routed: the unit where the owner was found */
  gridroute_string escalation;   /* routed: the escalation policy, or {NULL, 0} */
  const gridroute_string *alternates; /* the other handlers of the owner's role at that unit */
  size_t alternate_count;
  const gridroute_string *assist;     /* co-handlers */
  size_t assist_count;
  int32_t level;                 /* 0, or the severity_skip level */
  int32_t reserved_;
  int64_t respond_by;            /* unix microseconds, or GRIDROUTE_TIME_NONE */
  int64_t resolve_by;            /* unix microseconds, or GRIDROUTE_TIME_NONE */
  gridroute_string message;      /* unrouted: the reason; rejected: the error */
  gridroute_string timezone;     /* the jurisdiction's IANA time zone (for gridroute_time_format) */
  gridroute_string json;         /* with GRIDROUTE_ROUTE_EXPLAIN: the decision as JSON, with its trace */
  gridroute_result_hold *hold_;  /* private */
  /* Since 1.1 (a decision of an older struct_size gets none of these): */
  int32_t fallback;              /* 1: routed to the fallback owner (defaults.fallback); `rule` is {NULL, 0} */
  int32_t reserved2_;
  gridroute_string bundle;       /* the digest of the bundle that decided (SPEC §6.6) */
  gridroute_string cell;         /* the cell found from the issue's location, else {NULL, 0} */
} gridroute_decision;

#define GRIDROUTE_DECISION_INIT {sizeof(gridroute_decision), 0, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, \
    {NULL, 0}, {NULL, 0}, NULL, 0, NULL, 0, 0, 0, 0, 0, {NULL, 0}, {NULL, 0}, {NULL, 0}, NULL, 0, 0, \
    {NULL, 0}, {NULL, 0}}

/* Routes an issue into *out (see gridroute_decision for the lifetime of its contents). Unrouted issues
 * are GRIDROUTE_OK with status GRIDROUTE_DECISION_UNROUTED. A rejected issue (unknown cell or category,
 * wrong attribute type, invalid UTF-8) gives GRIDROUTE_E_REJECTED and status
 * GRIDROUTE_DECISION_REJECTED with the reason in `message` and in the error. On any other failure *out is
 * released. Thread-safe on a shared engine (not on a shared decision). */
GRIDROUTE_API int gridroute_engine_route(gridroute_decision *out, const gridroute_engine *engine,
                                         const gridroute_issue *issue, const gridroute_route_options *opts,
                                         gridroute_error **err);

/* Drops what a decision holds (its snapshot reference and memory) and resets it to
 * GRIDROUTE_DECISION_INIT. NULL, and a decision never filled, are no-ops. */
GRIDROUTE_API void gridroute_decision_release(gridroute_decision *decision);

/* Since 1.3. Routes `count` issues into out[0..count-1], each decision as gridroute_engine_route fills it,
 * all against one snapshot of the engine. The batch is taken in groups whose memory reads are prefetched
 * together, so one issue's wait for memory overlaps the others': the fast way to route many issues over a
 * large jurisdiction (about three times the issues a second of one call at a time at a million cells;
 * fastest when every issue gives its cell by a current number, or none does). A bad issue (a rejection, a
 * struct_size this library does not know, a NULL string with a length, ...) gets its own
 * GRIDROUTE_DECISION_REJECTED decision with the reason in `message`; the rest of the batch goes on and
 * the call returns GRIDROUTE_OK: read each decision's status. Every out[i] must be initialised
 * (GRIDROUTE_DECISION_INIT or used before); on a failure of the call itself (NULL or unknown arguments)
 * the decisions are released. Both arrays are walked by the struct_size of their first element, so every
 * element must have that size: an issue of another size is rejected, a decision of another size fails
 * the call. Thread-safe on a shared engine (not on shared decisions). */
GRIDROUTE_API int gridroute_engine_route_batch(gridroute_decision *out, const gridroute_engine *engine,
                                               const gridroute_issue *issues, size_t count,
                                               const gridroute_route_options *opts, gridroute_error **err);

/* Since 1.4. Releases decisions[0..count-1], each as gridroute_decision_release does: the array that
 * gridroute_engine_route_batch filled, in one call. The array is walked by the struct_size of its first
 * element (as gridroute_engine_route_batch walks it); an element of another size is left as it is, and a
 * NULL array or a count of 0 is a no-op. A batch need not be released between two calls of
 * gridroute_engine_route_batch: passed again, each decision drops its old contents and reuses its memory,
 * the fast way to route chunk after chunk through one array. Release it once, when done. */
GRIDROUTE_API void gridroute_decision_release_batch(gridroute_decision *decisions, size_t count);

/* No unit: the number gridroute_engine_find_units gives for an id the snapshot does not have. */
#define GRIDROUTE_UNIT_NONE (-1)

/* Since 1.3. The numbers of units in the engine's current snapshot, for issues that give their cell by
 * number (gridroute_issue.cell_number): out_numbers[i] is the number of ids[i], or GRIDROUTE_UNIT_NONE
 * when the snapshot has no unit of that id. *out_generation (never 0) names the snapshot the numbers
 * belong to: put it in the issues' `cell_generation`. After gridroute_engine_reload the engine has a new
 * generation; an issue with a number of the old one is routed by its `cell` text if it gives one, and
 * rejected otherwise, never read in the new snapshot. Look the numbers up again after a reload; a call
 * with a count of 0 (`ids` and `out_numbers` may then be NULL) gives the current generation alone, for a
 * caller that wants to know whether the engine was reloaded. Thread-safe. */
GRIDROUTE_API int gridroute_engine_find_units(int32_t *out_numbers, uint64_t *out_generation,
                                              const gridroute_engine *engine, const gridroute_string *ids,
                                              size_t count, gridroute_error **err);

/* A return (退单) approved at the case's current level (SPEC §6.2). This struct never changes (arrays). */
typedef struct gridroute_return {
  const char *handler;  /* required */
  size_t handler_len;   /* or GRIDROUTE_NTS */
  int64_t at;           /* when: unix microseconds (required: 0 or GRIDROUTE_TIME_NONE is refused) */
  const char *reason;   /* may be NULL */
  size_t reason_len;    /* or GRIDROUTE_NTS */
} gridroute_return;

/* A suspension (挂起): the clock stops from `from` to `to` (SPEC §6.3). This struct never changes. */
typedef struct gridroute_suspension {
  int64_t from;  /* unix microseconds (required: 0 or GRIDROUTE_TIME_NONE is refused) */
  int64_t to;    /* unix microseconds, after `from`; GRIDROUTE_TIME_NONE: still suspended */
} gridroute_suspension;

/* A case for escalation: an issue plus its state (SPEC §3.5, §6). */
typedef struct gridroute_case {
  uint32_t struct_size;           /* sizeof(gridroute_case) */
  int32_t level;                  /* the current level, >= 0 */
  const gridroute_issue *issue;   /* required */
  int64_t level_started_at;       /* unix microseconds (required: 0 or GRIDROUTE_TIME_NONE is refused) */
  int64_t reports;                /* reports received since the level started, >= 0 */
  int32_t responded;              /* 0 or 1 */
  int32_t resolved;               /* 0: open, 1: resolved */
  int32_t rating;                 /* 0: none; else 1..5 */
  int32_t reserved_;
  /* Since 1.1, the lifecycle (SPEC §6); all optional (NULL / 0 / GRIDROUTE_TIME_NONE). */
  const char *rule;               /* the rule the case was dispatched under (pinned) */
  size_t rule_len;                /* or GRIDROUTE_NTS */
  const char *handler;            /* the owner at the current level (pinned) */
  size_t handler_len;             /* or GRIDROUTE_NTS */
  const gridroute_return *returned;  /* returns approved at the current level */
  size_t returned_count;
  const gridroute_suspension *suspended;
  size_t suspended_count;
  int64_t extended_to;            /* the current level's resolve due, extended; 0 or GRIDROUTE_TIME_NONE: none */
} gridroute_case;

#define GRIDROUTE_CASE_INIT {sizeof(gridroute_case), 0, NULL, 0, 0, 0, 0, 0, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, \
    GRIDROUTE_TIME_NONE}

typedef enum gridroute_action_kind {
  GRIDROUTE_ACTION_NONE = 1,
  GRIDROUTE_ACTION_HOLD = 2,
  GRIDROUTE_ACTION_ESCALATE = 3,
  GRIDROUTE_ACTION_REOPEN = 4,
  GRIDROUTE_ACTION_OVERDUE = 5,
  GRIDROUTE_ACTION_REJECTED = 6,
  /* Since 1.1 (SPEC §6): */
  GRIDROUTE_ACTION_REDISPATCH = 7, /* the owner returned the case: a new owner at the same level */
  GRIDROUTE_ACTION_DISPUTE = 8,    /* returned, and nobody is left: a person must rule (no handler) */
  GRIDROUTE_ACTION_SUSPENDED = 9   /* the clock is stopped; next_check: when the suspension ends */
} gridroute_action_kind;

/* Reason bits of an action. */
#define GRIDROUTE_REASON_MISSED_RESPOND 0x1u
#define GRIDROUTE_REASON_MISSED_RESOLVE 0x2u
#define GRIDROUTE_REASON_REPEAT_REPORTS 0x4u
#define GRIDROUTE_REASON_LOW_RATING 0x8u
#define GRIDROUTE_REASON_RETURNED 0x10u /* since 1.1 */

/* An action, filled by gridroute_engine_escalate. Start with GRIDROUTE_ACTION_INIT. Same lifetime rules
 * as gridroute_decision: valid until gridroute_action_release or the next gridroute_engine_escalate into
 * it. */
typedef struct gridroute_action {
  uint32_t struct_size;          /* sizeof(gridroute_action), set by GRIDROUTE_ACTION_INIT */
  int32_t kind;                  /* gridroute_action_kind; 0 before the first call */
  int32_t level;                 /* escalate/reopen: the new level; else the current one */
  uint32_t reasons;              /* GRIDROUTE_REASON_* bits */
  gridroute_string handler;      /* that level's owner */
  gridroute_string role;
  gridroute_string department;   /* or {NULL, 0} */
  gridroute_string unit;
  gridroute_string rule;         /* the winning rule of the case's issue */
  gridroute_string escalation;   /* its policy, or {NULL, 0} */
  int64_t next_check;            /* hold: the earliest due instant ahead; else GRIDROUTE_TIME_NONE */
  int64_t respond_by;            /* escalate/reopen: the new level's deadlines from `now` */
  int64_t resolve_by;
  gridroute_string message;      /* rejected: the error */
  gridroute_string timezone;     /* the jurisdiction's IANA time zone */
  gridroute_result_hold *hold_;  /* private */
  /* Since 1.1 (an action of an older struct_size gets none of these): */
  const gridroute_string *assist; /* escalate, reopen, redispatch: the level's co-handlers */
  size_t assist_count;
  int32_t repinned;              /* 1: the case's pinned rule or handler could not be kept (SPEC §6.1) */
  int32_t fallback;              /* 1: the case's rule is the fallback owner's (`rule` is {NULL, 0}) */
  gridroute_string bundle;       /* the digest of the bundle that decided (SPEC §6.6) */
  gridroute_string json;         /* with GRIDROUTE_ESCALATE_EXPLAIN: the action as JSON, with its trace */
  gridroute_string cell;         /* the cell found from the case's location (SPEC §7), else {NULL, 0} */
} gridroute_action;

#define GRIDROUTE_ACTION_INIT {sizeof(gridroute_action), 0, 0, 0, {NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, \
    {NULL, 0}, {NULL, 0}, 0, 0, 0, {NULL, 0}, {NULL, 0}, NULL, NULL, 0, 0, 0, {NULL, 0}, {NULL, 0}, {NULL, 0}}

/* Evaluates a case at `now` (unix microseconds) into *out. A rejected case (bad issue, unrouted issue,
 * level out of range, bad field) gives GRIDROUTE_E_REJECTED and kind GRIDROUTE_ACTION_REJECTED with the
 * reason in `message` and in the error. Thread-safe on a shared engine (not on a shared action). */
GRIDROUTE_API int gridroute_engine_escalate(gridroute_action *out, const gridroute_engine *engine,
                                            const gridroute_case *c, int64_t now,
                                            const gridroute_escalate_options *opts, gridroute_error **err);

/* Drops what an action holds and resets it to GRIDROUTE_ACTION_INIT. NULL is a no-op. */
GRIDROUTE_API void gridroute_action_release(gridroute_action *action);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* GRIDROUTE_H */
