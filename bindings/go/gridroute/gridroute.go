// Package gridroute routes residents' issues to handlers and decides escalations, over the C ABI of
// libgridroute (capi/include/gridroute.h).
//
//	engine, err := gridroute.Load("examples/lanxi")
//	if err != nil { ... }                        // errors.Is(err, gridroute.ErrBundle), errors.As(err, &gerr)
//	defer engine.Close()
//	d, err := engine.Route(gridroute.Issue{ID: gridroute.StringID("I-1"), Category: "env.noise.loudspeaker",
//		Cell: "qiaodong-a-01", At: time.Now()})
//	out, _ := json.Marshal(d) // {"id": "I-1", "status": "routed", ..., "bundle": "5d3d0c93a27c2ce3"}
//
// Decision and Action are typed (SPEC §4, and the case lifecycle of §6: pinned rules and handlers,
// returns, suspensions, extensions) and marshal to the JSON objects the CLI writes.
//
// An *Engine is safe for concurrent use: Route, RouteMany, RouteBatch, FindCells, Escalate and Check may
// run in any number of goroutines, also while another goroutine calls Reload. Close waits for calls
// already running.
//
// Build: cgo asks pkg-config for gridroute (gridroute.pc, installed with libgridroute-dev or by
// cmake --install; PKG_CONFIG_PATH=<prefix>/lib/pkgconfig for another prefix, or PKG_CONFIG_PATH=build/pkgconfig
// for a build tree of this repository). At run time the dynamic loader finds libgridroute.so.1 (LD_LIBRARY_PATH
// for a prefix it does not search).
package gridroute

/*
#cgo pkg-config: gridroute
#include <stdlib.h>
#include "gridroute.h"

// An attribute with its strings as offsets into one byte block, so that Go passes no Go pointers inside
// Go memory (the cgo pointer rules).
typedef struct gr_attr {
  size_t name_off, name_len;
  int32_t type;
  int32_t boolean;
  double number;
  size_t str_off, str_len;
} gr_attr;

typedef struct gr_issue {
  size_t id_off, id_len, category_off, category_len, cell_off, cell_len;
  int64_t at;
  size_t attr_count;
  int32_t has_id, has_cell, has_location;
  double lon, lat;
  uint64_t cell_generation;
  int32_t cell_number;
  int32_t refused; // an issue the binding could not pack: sent without an id, so the library rejects it
} gr_issue;

// The case's lifecycle (SPEC §6), its strings as offsets into the issue's byte block.
typedef struct gr_return {
  size_t handler_off, handler_len;
  int64_t at;
  int32_t has_reason;
  size_t reason_off, reason_len;
} gr_return;

typedef struct gr_lifecycle {
  int32_t has_rule, has_handler;
  size_t rule_off, rule_len, handler_off, handler_len;
  size_t returned_count, suspended_count;
  int64_t extended_to;
} gr_lifecycle;

static int gr_make_issue(gridroute_issue *is, gridroute_attr *a, const char *strs, const gr_issue *gi,
                         const gr_attr *attrs) {
  size_t i;
  gridroute_issue init = GRIDROUTE_ISSUE_INIT;
  *is = init;
  if (gi->refused) return 0;
  if (gi->has_id) { is->id = strs + gi->id_off; is->id_len = gi->id_len; }
  is->category = strs + gi->category_off; is->category_len = gi->category_len;
  if (gi->has_cell) { is->cell = strs + gi->cell_off; is->cell_len = gi->cell_len; }
  is->at = gi->at;
  is->has_location = gi->has_location; is->lon = gi->lon; is->lat = gi->lat;
  is->cell_generation = gi->cell_generation; is->cell_number = gi->cell_number;
  for (i = 0; i < gi->attr_count; i++) {
    a[i].name = strs + attrs[i].name_off; a[i].name_len = attrs[i].name_len;
    a[i].type = attrs[i].type; a[i].boolean = attrs[i].boolean; a[i].number = attrs[i].number;
    a[i].string = strs + attrs[i].str_off; a[i].string_len = attrs[i].str_len;
  }
  is->attrs = gi->attr_count ? a : NULL;
  is->attr_count = gi->attr_count;
  return 0;
}

static int gr_route(gridroute_decision *d, const gridroute_engine *e, const char *strs, const gr_issue *gi,
                    const gr_attr *attrs, uint32_t flags, gridroute_error **err) {
  gridroute_attr stack[16], *a = stack;
  gridroute_issue is;
  gridroute_route_options o = GRIDROUTE_ROUTE_OPTIONS_INIT;
  int rc;
  if (gi->attr_count > 16 && !(a = (gridroute_attr *)malloc(gi->attr_count * sizeof *a))) return GRIDROUTE_E_NO_MEMORY;
  gr_make_issue(&is, a, strs, gi, attrs);
  o.flags = flags;
  rc = gridroute_engine_route(d, e, &is, &o, err);
  if (a != stack) free(a);
  return rc;
}

// Routes count issues with one gridroute_engine_route_batch. Their attributes follow each other in attrs,
// in the issues' order.
static int gr_route_batch(gridroute_decision *out, const gridroute_engine *e, const char *strs, const gr_issue *gis,
                          const gr_attr *attrs, size_t count, uint32_t flags, gridroute_error **err) {
  gridroute_issue *is = NULL;
  gridroute_attr *a = NULL;
  gridroute_route_options o = GRIDROUTE_ROUTE_OPTIONS_INIT;
  size_t i, n = 0;
  int rc;
  for (i = 0; i < count; i++) n += gis[i].attr_count;
  if (count && !(is = (gridroute_issue *)malloc(count * sizeof *is))) return GRIDROUTE_E_NO_MEMORY;
  if (n && !(a = (gridroute_attr *)malloc(n * sizeof *a))) {
    free(is);
    return GRIDROUTE_E_NO_MEMORY;
  }
  for (i = 0, n = 0; i < count; n += gis[i].attr_count, i++) gr_make_issue(&is[i], a ? a + n : NULL, strs, &gis[i], attrs + n);
  o.flags = flags;
  rc = gridroute_engine_route_batch(out, e, is, count, &o, err);
  free(a);
  free(is);
  return rc;
}

static void gr_release_decisions(gridroute_decision *d, size_t count) { gridroute_decision_release_batch(d, count); }

static int gr_escalate(gridroute_action *out, const gridroute_engine *e, const char *strs, const gr_issue *gi,
                       const gr_attr *attrs, const gridroute_case *c0, const gr_lifecycle *lc,
                       const gr_return *rets, const gridroute_suspension *susp, int64_t now, uint32_t flags,
                       gridroute_error **err) {
  gridroute_attr stack[16], *a = stack;
  gridroute_return rstack[8], *r = rstack;
  gridroute_issue is;
  gridroute_case c = *c0;
  gridroute_escalate_options o = GRIDROUTE_ESCALATE_OPTIONS_INIT;
  size_t i;
  int rc;
  if (gi->attr_count > 16 && !(a = (gridroute_attr *)malloc(gi->attr_count * sizeof *a))) return GRIDROUTE_E_NO_MEMORY;
  if (lc->returned_count > 8 && !(r = (gridroute_return *)malloc(lc->returned_count * sizeof *r))) {
    if (a != stack) free(a);
    return GRIDROUTE_E_NO_MEMORY;
  }
  gr_make_issue(&is, a, strs, gi, attrs);
  c.issue = &is;
  if (lc->has_rule) { c.rule = strs + lc->rule_off; c.rule_len = lc->rule_len; }
  if (lc->has_handler) { c.handler = strs + lc->handler_off; c.handler_len = lc->handler_len; }
  for (i = 0; i < lc->returned_count; i++) {
    r[i].handler = strs + rets[i].handler_off; r[i].handler_len = rets[i].handler_len;
    r[i].at = rets[i].at;
    r[i].reason = rets[i].has_reason ? strs + rets[i].reason_off : NULL;
    r[i].reason_len = rets[i].has_reason ? rets[i].reason_len : 0;
  }
  c.returned = lc->returned_count ? r : NULL;
  c.returned_count = lc->returned_count;
  c.suspended = lc->suspended_count ? susp : NULL;
  c.suspended_count = lc->suspended_count;
  c.extended_to = lc->extended_to;
  o.flags = flags;
  rc = gridroute_engine_escalate(out, e, &c, now, &o, err);
  if (a != stack) free(a);
  if (r != rstack) free(r);
  return rc;
}

static gridroute_diagnostic gr_diag(const gridroute_diagnostic *list, size_t i) { return list[i]; }
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// Version is the version of the loaded C library, e.g. "1.4.0".
func Version() string { return C.GoString(C.gridroute_version()) }

// ParseTime reads a time as the engine reads an issue's "at": RFC 3339 with an offset
// ("2026-11-20T09:15:00+08:00"; a space or a 't' between date and time, a 'z' for UTC, a leap second's
// ":60"), within the calendar range. Go's time.Parse takes what the engine refuses (an offset of
// "+24:00") and refuses what it takes (":60"): a caller that reads lines as the CLI does uses this.
func ParseTime(s string) (time.Time, error) {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	var out C.int64_t
	var cerr *C.gridroute_error
	if rc := C.gridroute_time_parse(&out, cs, C.size_t(len(s)), &cerr); rc != C.GRIDROUTE_OK {
		return time.Time{}, newError(rc, cerr)
	}
	return time.UnixMicro(int64(out)).UTC(), nil
}

// BindingMajor and BindingMinor are the C ABI version this package was written for; Load refuses a
// library of another major version or an older minor one. BindingVersion is this package's version,
// the version of the library it was released with.
const (
	BindingMajor   = 1
	BindingMinor   = 4
	BindingVersion = "1.4.0"
)

func checkVersion() error {
	n := uint32(C.gridroute_version_number())
	if major, minor := n/10000, n/100%100; major != BindingMajor || minor < BindingMinor {
		return &Error{Code: codeInvalidArgument, Message: fmt.Sprintf(
			"libgridroute %s does not fit this package (needs %d.%d or a later %d.x)", Version(),
			BindingMajor, BindingMinor, BindingMajor)}
	}
	return nil
}

// Engine is a loaded, compiled bundle. Create it with Load or LoadSources; Close it when done (a
// finalizer frees it otherwise).
type Engine struct {
	mu sync.RWMutex // read-held by calls, write-held by Close
	c  *C.gridroute_engine
}

func newEngine(c *C.gridroute_engine) *Engine {
	e := &Engine{c: c}
	runtime.SetFinalizer(e, (*Engine).Close)
	return e
}

// Load loads and compiles the bundle in directory dir. A refused bundle gives an error matching
// ErrBundle whose *Error lists every problem in Diagnostics.
func Load(dir string) (*Engine, error) {
	if err := checkVersion(); err != nil {
		return nil, err
	}
	cdir := C.CString(dir)
	defer C.free(unsafe.Pointer(cdir))
	var c *C.gridroute_engine
	var cerr *C.gridroute_error
	if rc := C.gridroute_engine_load(&c, cdir, C.size_t(len(dir)), nil, &cerr); rc != C.GRIDROUTE_OK {
		return nil, newError(rc, cerr)
	}
	return newEngine(c), nil
}

// Sources is a bundle in memory: the two JSON documents and the CSV files they name, by name.
type Sources struct {
	Label        string // prefix of file names in diagnostics; "" means "<memory>"
	Jurisdiction []byte
	Rules        []byte
	Files        map[string][]byte
}

// cSources copies the sources into C memory; free with the returned function.
func (s Sources) cSources() (*C.gridroute_bundle_sources, func()) {
	var allocs []unsafe.Pointer
	bytes := func(b []byte) (*C.char, C.size_t) {
		// A fresh copy with its NUL: append(b, 0) would write the NUL into the caller's array when the
		// slice has room behind it (one buffer sliced into the bundle's files, say).
		nul := make([]byte, len(b)+1)
		copy(nul, b)
		p := C.CBytes(nul) // never empty, so never NULL
		allocs = append(allocs, p)
		return (*C.char)(p), C.size_t(len(b))
	}
	src := (*C.gridroute_bundle_sources)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gridroute_bundle_sources{}))))
	allocs = append(allocs, unsafe.Pointer(src))
	src.struct_size = C.uint32_t(unsafe.Sizeof(*src))
	if s.Label != "" {
		src.label, src.label_len = bytes([]byte(s.Label))
	}
	src.jurisdiction_json, src.jurisdiction_json_len = bytes(s.Jurisdiction)
	src.rules_json, src.rules_json_len = bytes(s.Rules)
	if n := len(s.Files); n > 0 {
		files := (*C.gridroute_file)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.gridroute_file{}))))
		allocs = append(allocs, unsafe.Pointer(files))
		list := unsafe.Slice(files, n)
		i := 0
		for name, data := range s.Files {
			list[i].name, list[i].name_len = bytes([]byte(name))
			list[i].data, list[i].data_len = bytes(data)
			i++
		}
		src.files, src.file_count = files, C.size_t(n)
	}
	return src, func() {
		for _, p := range allocs {
			C.free(p)
		}
	}
}

// LoadSources loads a bundle from memory.
func LoadSources(s Sources) (*Engine, error) {
	if err := checkVersion(); err != nil {
		return nil, err
	}
	src, free := s.cSources()
	defer free()
	var c *C.gridroute_engine
	var cerr *C.gridroute_error
	if rc := C.gridroute_engine_load_sources(&c, src, nil, &cerr); rc != C.GRIDROUTE_OK {
		return nil, newError(rc, cerr)
	}
	return newEngine(c), nil
}

// Close frees the engine after the calls already running have finished. Further calls fail with
// ErrInvalidArgument. Close is idempotent and always returns nil.
func (e *Engine) Close() error {
	e.mu.Lock()
	c := e.c
	e.c = nil
	e.mu.Unlock()
	if c != nil {
		C.gridroute_engine_free(c)
		runtime.SetFinalizer(e, nil)
	}
	return nil
}

// use runs fn with the C handle (nil once closed: the library then reports ErrInvalidArgument).
func (e *Engine) use(fn func(c *C.gridroute_engine) C.int) C.int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	rc := fn(e.c)
	runtime.KeepAlive(e)
	return rc
}

// Reload loads the bundle in dir and swaps it in atomically; calls running meanwhile finish on the old
// one. On failure the old bundle keeps serving.
func (e *Engine) Reload(dir string) error {
	cdir := C.CString(dir)
	defer C.free(unsafe.Pointer(cdir))
	var cerr *C.gridroute_error
	rc := e.use(func(c *C.gridroute_engine) C.int {
		return C.gridroute_engine_reload(c, cdir, C.size_t(len(dir)), nil, &cerr)
	})
	return newError(rc, cerr)
}

// ReloadSources is Reload from memory.
func (e *Engine) ReloadSources(s Sources) error {
	src, free := s.cSources()
	defer free()
	var cerr *C.gridroute_error
	rc := e.use(func(c *C.gridroute_engine) C.int { return C.gridroute_engine_reload_sources(c, src, nil, &cerr) })
	return newError(rc, cerr)
}

// ---- JSON in, JSON out

func cbytes(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

func takeBuf(b *C.gridroute_buf) []byte {
	out := C.GoBytes(unsafe.Pointer(b.ptr), C.int(b.len))
	C.gridroute_buf_dispose(b)
	return out
}

func routeFlags(explain bool) C.gridroute_route_options {
	o := C.gridroute_route_options{struct_size: C.uint32_t(unsafe.Sizeof(C.gridroute_route_options{}))}
	if explain {
		o.flags = C.GRIDROUTE_ROUTE_EXPLAIN
	}
	return o
}

func (e *Engine) jsonCall(line []byte, fn func(c *C.gridroute_engine, out *C.gridroute_buf, p *C.char, n C.size_t,
	cerr **C.gridroute_error) C.int) ([]byte, error) {
	out := (*C.gridroute_buf)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gridroute_buf{}))))
	defer C.free(unsafe.Pointer(out))
	p, n := cbytes(line)
	if p == nil {
		p = (*C.char)(unsafe.Pointer(out)) // a valid pointer for an empty text
	}
	var cerr *C.gridroute_error
	rc := e.use(func(c *C.gridroute_engine) C.int { return fn(c, out, p, n, &cerr) })
	data := takeBuf(out)
	return data, newError(rc, cerr)
}

// RouteJSON routes one issue line (a JSON object, SPEC §4) and returns the decision object, exactly as
// `gridroute route` writes it. A bad line gives an error matching ErrRejected, and the `rejected`
// record is still returned.
func (e *Engine) RouteJSON(line []byte, explain bool) ([]byte, error) {
	o := routeFlags(explain)
	return e.jsonCall(line, func(c *C.gridroute_engine, out *C.gridroute_buf, p *C.char, n C.size_t,
		cerr **C.gridroute_error) C.int {
		return C.gridroute_engine_route_json(out, c, p, n, &o, cerr)
	})
}

// RouteBatch routes JSON Lines and returns one decision line per non-blank input line, in order:
// exactly `gridroute route`. Bad lines give `rejected` records, not errors.
func (e *Engine) RouteBatch(jsonl []byte, explain bool) ([]byte, error) {
	o := routeFlags(explain)
	return e.jsonCall(jsonl, func(c *C.gridroute_engine, out *C.gridroute_buf, p *C.char, n C.size_t,
		cerr **C.gridroute_error) C.int {
		return C.gridroute_engine_route_jsonl(out, c, p, n, &o, cerr)
	})
}

// EscalateJSON evaluates one case line at now, as `gridroute escalate` does.
func (e *Engine) EscalateJSON(line []byte, now time.Time) ([]byte, error) {
	t := micros(now)
	return e.jsonCall(line, func(c *C.gridroute_engine, out *C.gridroute_buf, p *C.char, n C.size_t,
		cerr **C.gridroute_error) C.int {
		return C.gridroute_engine_escalate_json(out, c, p, n, t, nil, cerr)
	})
}

// EscalateBatch evaluates JSON Lines of cases at now: exactly `gridroute escalate`.
func (e *Engine) EscalateBatch(jsonl []byte, now time.Time) ([]byte, error) {
	t := micros(now)
	return e.jsonCall(jsonl, func(c *C.gridroute_engine, out *C.gridroute_buf, p *C.char, n C.size_t,
		cerr **C.gridroute_error) C.int {
		return C.gridroute_engine_escalate_jsonl(out, c, p, n, t, nil, cerr)
	})
}

// ---- the struct path (no JSON)

// Issue is an issue to route (SPEC §4). ID is a string or an integer id (StringID, IntID). Attrs values
// may be bool, any integer or float type, json.Number, string, nil, or (rejecting the issue if the
// attribute is declared) a map or slice. Location (SPEC §7) gives a place instead of Cell: with Cell
// empty, the engine finds the cell whose polygon holds it.
//
// CellNumber and CellGeneration (since 1.3) give the cell by its number, as FindCells gave them; the
// zero CellGeneration gives none. With the generation of the engine's current bundle, Route and
// RouteMany take the cell CellNumber and do not read Cell or Location. After a Reload the number is
// never read: the issue is routed by Cell or Location if it gives one, and rejected otherwise. Escalate
// reads Cell or Location, never the number.
type Issue struct {
	ID       ID
	Category string
	Cell     string
	At       time.Time
	Attrs    map[string]any
	Location *Location

	CellNumber     int32
	CellGeneration uint64
}

// NoCell is the number FindCells gives for an id the bundle has no unit of.
const NoCell int32 = C.GRIDROUTE_UNIT_NONE

// Location is a point in degrees, WGS 84, as the bundle's cell polygons (SPEC §7).
type Location struct {
	Lon, Lat float64
}

// Decision statuses.
const (
	Routed   = "routed"
	Unrouted = "unrouted"
	Rejected = "rejected"
)

// Decision is the answer for an issue (SPEC §4, §6.4, §6.6, §7). Times are in the jurisdiction's time
// zone; the zero time.Time means none. json.Marshal writes it as `gridroute route` does (MarshalJSON).
type Decision struct {
	ID         ID     // the issue's
	Status     string // Routed, Unrouted or Rejected
	Rule       string // the winning rule; "" for the fallback owner (Fallback)
	Role       string
	Department string // "" when the role has none
	Handler    string
	Unit       string
	Cell       string // the cell found from the issue's Location; "" when the issue named its cell
	Alternates []string
	Assist     []string
	Level      int
	Escalation string // "" when no policy applies
	RespondBy  time.Time
	ResolveBy  time.Time
	Fallback   bool            // routed to the bundle's fallback owner (defaults.fallback): no rule routes it
	Reason     string          // Unrouted: why
	Error      string          // Rejected: why
	Bundle     string          // the digest of the bundle that decided (SPEC §6.6)
	Trace      json.RawMessage // with RouteExplain: the whole decision as JSON, with its trace
}

// packIssue lays an issue out for the C helpers: one byte block and offset structs, no Go pointers.
func packIssue(is Issue) ([]byte, C.gr_issue, []C.gr_attr, error) {
	strs := make([]byte, 0, packedSize(is)+1)
	strs, attrs, gi, err := packInto(strs, make([]C.gr_attr, 0, len(is.Attrs)+1), is)
	if err != nil {
		return nil, gi, nil, err
	}
	strs = append(strs, 0) // never empty
	attrs = append(attrs, C.gr_attr{})
	return strs, gi, attrs, nil
}

// packedSize is about the bytes packInto appends for an issue.
func packedSize(is Issue) int {
	return len(is.ID.String()) + len(is.Category) + len(is.Cell) + 16*len(is.Attrs)
}

// packInto appends an issue's strings to strs and its attributes to attrs; the offsets are into strs.
// On an error both come back as they were given.
func packInto(strs []byte, attrs []C.gr_attr, is Issue) ([]byte, []C.gr_attr, C.gr_issue, error) {
	strs0, attrs0 := len(strs), len(attrs)
	add := func(s string) (C.size_t, C.size_t) {
		off := len(strs)
		strs = append(strs, s...)
		return C.size_t(off), C.size_t(len(s))
	}
	var gi C.gr_issue
	if !is.ID.IsZero() {
		gi.has_id = 1
		gi.id_off, gi.id_len = add(is.ID.String())
	}
	gi.category_off, gi.category_len = add(is.Category)
	// An issue given by its number alone has no cell id: after a reload the library then rejects it in
	// its words about the number, not as the unknown cell "".
	if is.Cell != "" || (is.Location == nil && is.CellGeneration == 0) {
		gi.has_cell = 1
		gi.cell_off, gi.cell_len = add(is.Cell)
	}
	if is.Location != nil {
		gi.has_location = 1
		gi.lon, gi.lat = C.double(is.Location.Lon), C.double(is.Location.Lat)
	}
	gi.at = micros(is.At)
	gi.cell_number, gi.cell_generation = C.int32_t(is.CellNumber), C.uint64_t(is.CellGeneration)
	n := 0
	for name, v := range is.Attrs {
		var a C.gr_attr
		a.name_off, a.name_len = add(name)
		switch x := v.(type) {
		case nil:
			a._type = C.GRIDROUTE_ATTR_NULL
		case bool:
			a._type = C.GRIDROUTE_ATTR_BOOL
			if x {
				a.boolean = 1
			}
		case string:
			a._type = C.GRIDROUTE_ATTR_STRING
			a.str_off, a.str_len = add(x)
		case json.Number:
			f, err := x.Float64()
			if err != nil {
				return strs[:strs0], attrs[:attrs0], C.gr_issue{},
					&Error{Code: codeInvalidArgument, Message: fmt.Sprintf("attribute %q: %v", name, err)}
			}
			a._type, a.number = C.GRIDROUTE_ATTR_NUMBER, C.double(f)
		case float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
			a._type, a.number = C.GRIDROUTE_ATTR_NUMBER, C.double(toFloat(x))
		case map[string]any:
			a._type = C.GRIDROUTE_ATTR_OBJECT
		case []any:
			a._type = C.GRIDROUTE_ATTR_LIST
		default:
			return strs[:strs0], attrs[:attrs0], C.gr_issue{}, &Error{Code: codeInvalidArgument,
				Message: fmt.Sprintf("attribute %q: unsupported type %T", name, v)}
		}
		attrs = append(attrs, a)
		n++
	}
	gi.attr_count = C.size_t(n)
	return strs, attrs, gi, nil
}

// micros is t in Unix microseconds; the zero time is "not set" (GRIDROUTE_TIME_NONE), which the library
// refuses as a missing field rather than reading it as the year 1. Beyond the years int64 microseconds
// hold, UnixMicro wraps (year 586600 would come back as 2065): a time far outside the calendar range is
// sent as the int64 at that end, which the library refuses as out of range.
func micros(t time.Time) C.int64_t {
	if t.IsZero() {
		return C.GRIDROUTE_TIME_NONE
	}
	if t.Year() > 100000 {
		return C.int64_t(math.MaxInt64)
	}
	if t.Year() < -100000 {
		return C.int64_t(math.MinInt64 + 1)
	}
	return C.int64_t(t.UnixMicro())
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	case int:
		return float64(x)
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case uint:
		return float64(x)
	case uint8:
		return float64(x)
	case uint16:
		return float64(x)
	case uint32:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return math.NaN()
}

func goString(s C.gridroute_string) string {
	if s.ptr == nil {
		return ""
	}
	return C.GoStringN(s.ptr, C.int(s.len))
}

// goList copies a C array of strings, read in place (a call into C per element would cost a cgo
// transition each).
func goList(p *C.gridroute_string, n C.size_t) []string {
	out := make([]string, 0, int(n))
	if n == 0 || p == nil {
		return out
	}
	for _, s := range unsafe.Slice(p, int(n)) {
		out = append(out, goString(s))
	}
	return out
}

var locations sync.Map // time zone name → *time.Location

func goTime(t C.int64_t, tz string) time.Time {
	if int64(t) == math.MinInt64 {
		return time.Time{}
	}
	tt := time.UnixMicro(int64(t))
	if l, ok := locations.Load(tz); ok {
		return tt.In(l.(*time.Location))
	}
	if l, err := time.LoadLocation(tz); err == nil {
		locations.Store(tz, l)
		return tt.In(l)
	}
	return tt
}

// RouteOption changes how Route works.
type RouteOption int

// RouteExplain fills Decision.Trace.
const RouteExplain RouteOption = 1

func routeFlagsOf(opts []RouteOption) C.uint32_t {
	var flags C.uint32_t
	for _, o := range opts {
		if o == RouteExplain {
			flags |= C.GRIDROUTE_ROUTE_EXPLAIN
		}
	}
	return flags
}

// stringCache gives the Go copy of a C string read before at the same address, so that the ids that
// repeat across the decisions of one batch (the bundle's digest, its time zone, rules, roles, handlers)
// are copied once each. Addresses are only compared within one call of the library, while its decisions
// are held: the strings point into the snapshot or into memory a held decision owns, so no two different
// strings share an address then. The zero value is empty; a nil *stringCache copies every string.
type stringCache struct {
	slots [512]struct {
		p *C.char
		n C.size_t
		s string
	}
}

func (c *stringCache) get(s C.gridroute_string) string {
	if c == nil || s.ptr == nil {
		return goString(s)
	}
	e := &c.slots[(uintptr(unsafe.Pointer(s.ptr))>>3^uintptr(s.len))%uintptr(len(c.slots))]
	if e.p != s.ptr || e.n != s.len {
		e.p, e.n, e.s = s.ptr, s.len, goString(s)
	}
	return e.s
}

// goDecision copies a C decision into Go memory; id is the issue's.
func goDecision(d *C.gridroute_decision, id ID, c *stringCache) Decision {
	var out Decision
	switch d.status {
	case C.GRIDROUTE_DECISION_ROUTED:
		tz := c.get(d.timezone)
		out = Decision{Status: Routed, Rule: c.get(d.rule), Role: c.get(d.role),
			Department: c.get(d.department), Handler: c.get(d.handler), Unit: c.get(d.unit),
			Alternates: goList(d.alternates, d.alternate_count), Assist: goList(d.assist, d.assist_count),
			Level: int(d.level), Escalation: c.get(d.escalation),
			RespondBy: goTime(d.respond_by, tz), ResolveBy: goTime(d.resolve_by, tz), Fallback: d.fallback != 0}
	case C.GRIDROUTE_DECISION_UNROUTED:
		out = Decision{Status: Unrouted, Reason: c.get(d.message)}
	case C.GRIDROUTE_DECISION_REJECTED:
		out = Decision{Status: Rejected, Error: c.get(d.message)}
	}
	if d.status != 0 {
		out.ID, out.Cell, out.Bundle = id, c.get(d.cell), c.get(d.bundle)
	}
	if d.json.ptr != nil {
		out.Trace = json.RawMessage(C.GoBytes(unsafe.Pointer(d.json.ptr), C.int(d.json.len)))
	}
	return out
}

// cDecision is a C decision that Route fills, reads and releases, kept between calls in decisionPool:
// a call then makes two calls into C fewer (the decision's allocation and its freeing). A released
// decision holds nothing, so a kept one holds no bundle past a Reload; one the pool drops is freed by
// its finalizer.
type cDecision struct{ d *C.gridroute_decision }

var decisionPool = sync.Pool{New: func() any {
	d := (*C.gridroute_decision)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gridroute_decision{}))))
	if d == nil {
		panic("gridroute: out of memory for a decision")
	}
	d.struct_size = C.uint32_t(unsafe.Sizeof(*d))
	cd := &cDecision{d}
	runtime.SetFinalizer(cd, func(cd *cDecision) { C.free(unsafe.Pointer(cd.d)) })
	return cd
}}

// cAction is the same for the actions Escalate fills.
type cAction struct{ a *C.gridroute_action }

var actionPool = sync.Pool{New: func() any {
	a := (*C.gridroute_action)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gridroute_action{}))))
	if a == nil {
		panic("gridroute: out of memory for an action")
	}
	a.struct_size = C.uint32_t(unsafe.Sizeof(*a))
	ca := &cAction{a}
	runtime.SetFinalizer(ca, func(ca *cAction) { C.free(unsafe.Pointer(ca.a)) })
	return ca
}}

// Route routes an issue through the struct path (no JSON). An unrouted issue is not an error. A
// rejected issue returns a Decision with Status Rejected and an error matching ErrRejected.
func (e *Engine) Route(is Issue, opts ...RouteOption) (Decision, error) {
	strs, gi, attrs, err := packIssue(is)
	if err != nil {
		return Decision{}, err
	}
	flags := routeFlagsOf(opts)
	cd := decisionPool.Get().(*cDecision)
	d := cd.d
	// Released once read, before it goes back (its snapshot reference and memory dropped, back to its
	// INIT state with its struct_size), so that a kept decision holds no bundle.
	defer func() {
		C.gridroute_decision_release(d)
		decisionPool.Put(cd)
	}()
	var cerr *C.gridroute_error
	rc := e.use(func(c *C.gridroute_engine) C.int {
		return C.gr_route(d, c, (*C.char)(unsafe.Pointer(&strs[0])), &gi, &attrs[0], flags, &cerr)
	})
	runtime.KeepAlive(strs)
	runtime.KeepAlive(attrs)
	return goDecision(d, is.ID, nil), newError(rc, cerr)
}

// routeManyCall is how many issues RouteMany gives the library in one call.
const routeManyCall = 4096

// RouteMany routes issues through the struct path and returns one Decision per issue, in order, as Route
// answers each. A rejected issue is a Decision with Status Rejected and its Error, not an error, and so
// is an issue Route would refuse with an error before it reaches the library (an attribute of a type
// the struct path cannot carry); the other issues go on. The error is for a failure of the call itself,
// a closed engine say, and then no Decision is returned.
//
// The issues go to the library in calls of up to 4096 (gridroute_engine_route_batch), each routed
// against one bundle, in groups whose memory reads overlap: many issues route faster than with Route
// one at a time, the more so when they give their cells by number (FindCells). Should a Reload swap the
// bundle in between two calls, Decision.Bundle tells which bundle answered each issue.
func (e *Engine) RouteMany(issues []Issue, opts ...RouteOption) ([]Decision, error) {
	flags := routeFlagsOf(opts)
	out := make([]Decision, len(issues))
	cache := new(stringCache)
	for start := 0; ; start += routeManyCall {
		end := start + routeManyCall
		if end > len(issues) {
			end = len(issues)
		}
		if err := e.routeMany(issues[start:end], out[start:end], flags, cache); err != nil {
			return nil, err
		}
		if end == len(issues) {
			return out, nil
		}
	}
}

// routeMany is one call of RouteMany: the decisions of issues into out (of the same length).
func (e *Engine) routeMany(issues []Issue, out []Decision, flags C.uint32_t, cache *stringCache) error {
	*cache = stringCache{} // addresses are compared within one call only
	n, size, attrCount := len(issues), 1, 1
	for _, is := range issues {
		size += packedSize(is)
		attrCount += len(is.Attrs)
	}
	strs := make([]byte, 0, size)
	attrs := make([]C.gr_attr, 0, attrCount)
	gis := make([]C.gr_issue, n+1) // one more: never empty
	var refused map[int]string     // the issues that could not be packed: why
	for i, is := range issues {
		var err error
		if strs, attrs, gis[i], err = packInto(strs, attrs, is); err != nil {
			if refused == nil {
				refused = map[int]string{}
			}
			gis[i].refused = 1
			refused[i] = err.(*Error).Message
		}
	}
	strs = append(strs, 0)
	attrs = append(attrs, C.gr_attr{})
	var ds *C.gridroute_decision
	var list []C.gridroute_decision
	if n > 0 {
		ds = (*C.gridroute_decision)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.gridroute_decision{}))))
		defer C.free(unsafe.Pointer(ds))
		list = unsafe.Slice(ds, n)
		for i := range list {
			list[i].struct_size = C.uint32_t(unsafe.Sizeof(list[i]))
		}
		defer C.gr_release_decisions(ds, C.size_t(n))
	}
	var cerr *C.gridroute_error
	rc := e.use(func(c *C.gridroute_engine) C.int {
		return C.gr_route_batch(ds, c, (*C.char)(unsafe.Pointer(&strs[0])), &gis[0], &attrs[0], C.size_t(n), flags,
			&cerr)
	})
	runtime.KeepAlive(strs)
	runtime.KeepAlive(gis)
	runtime.KeepAlive(attrs)
	if err := newError(rc, cerr); err != nil {
		return err
	}
	for i := range list {
		out[i] = goDecision(&list[i], issues[i].ID, cache)
		if msg, ok := refused[i]; ok { // the library rejected it for having no id: say why it had none
			out[i] = Decision{ID: issues[i].ID, Status: Rejected, Error: msg, Bundle: out[i].Bundle}
		}
	}
	return nil
}

// FindCells gives the numbers of the units with the ids in the engine's current bundle (NoCell for an id
// it has none of), and the generation of that bundle: put both in Issue.CellNumber and
// Issue.CellGeneration. A number is the bundle's own and is never read in another one: look the
// numbers up again after a Reload (FindCells(nil) gives the current generation alone, to tell whether
// there was one). The number of a unit that is not a cell (an area, say) rejects an issue that gives it.
func (e *Engine) FindCells(ids []string) (numbers []int32, generation uint64, err error) {
	n := len(ids)
	numbers = make([]int32, n)
	var list *C.gridroute_string
	var nums *C.int32_t
	if n > 0 {
		size := 1
		for _, id := range ids {
			size += len(id)
		}
		block := C.malloc(C.size_t(size))
		defer C.free(block)
		text := unsafe.Slice((*byte)(block), size)
		list = (*C.gridroute_string)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.gridroute_string{}))))
		defer C.free(unsafe.Pointer(list))
		cids := unsafe.Slice(list, n)
		off := 0
		for i, id := range ids {
			copy(text[off:], id)
			cids[i].ptr, cids[i].len = (*C.char)(unsafe.Add(block, off)), C.size_t(len(id))
			off += len(id)
		}
		nums = (*C.int32_t)(unsafe.Pointer(&numbers[0]))
	}
	var gen C.uint64_t
	var cerr *C.gridroute_error
	rc := e.use(func(c *C.gridroute_engine) C.int {
		return C.gridroute_engine_find_units(nums, &gen, c, list, C.size_t(n), &cerr)
	})
	if err := newError(rc, cerr); err != nil {
		return nil, 0, err
	}
	return numbers, uint64(gen), nil
}

// Case is an issue under way, for escalation (SPEC §3.5), with its lifecycle (SPEC §6). The lifecycle
// fields are all optional: a case without them is evaluated as in contract 1.0.
type Case struct {
	Issue          Issue
	Level          int
	LevelStartedAt time.Time
	Responded      bool
	Reports        int64
	Resolved       bool
	Rating         int // 0: none; else 1..5

	Rule       string       // the rule the case was dispatched under (pinned, SPEC §6.1); "": none
	Handler    string       // the owner at the current level (pinned); "": none
	Returned   []Return     // returns (退单) approved at the current level (SPEC §6.2)
	Suspended  []Suspension // periods the clock stops (挂起, SPEC §6.3)
	ExtendedTo time.Time    // the current level's resolve due, extended (延期); zero: none
}

// Return is a return approved at the case's current level: Handler sent the case back at At.
type Return struct {
	Handler string
	At      time.Time
	Reason  string // "": none
}

// Suspension stops the case's clock from From to To; the zero To: still suspended.
type Suspension struct {
	From, To time.Time
}

// Action kinds (Action.Kind).
const (
	None       = "none"
	Hold       = "hold"
	Escalate   = "escalate"
	Reopen     = "reopen"
	Overdue    = "overdue"
	Redispatch = "redispatch" // since 1.1: the owner returned the case; a new owner at the same level
	Dispute    = "dispute"    // since 1.1: returned, and nobody is left: a person must rule (no handler)
	Suspended  = "suspended"  // since 1.1: the clock is stopped; NextCheck: when (zero: open-ended)
)

// Reasons (Action.Reasons).
const (
	ReasonMissedRespond = "missed_respond"
	ReasonMissedResolve = "missed_resolve"
	ReasonRepeatReports = "repeat_reports"
	ReasonLowRating     = "low_rating"
	ReasonReturned      = "returned" // since 1.1: the owner sent the case back (redispatch, dispute)
)

// Action is the answer for a case at a time (SPEC §4, §6). json.Marshal writes it as `gridroute
// escalate` does (MarshalJSON).
type Action struct {
	ID         ID     // the case's
	Kind       string // None, Hold, Escalate, Reopen, Overdue, Redispatch, Dispute, Suspended or Rejected
	Cell       string // the cell found from the case's Location (SPEC §7); "" for a case given by its cell
	Level      int
	Handler    string // "" for a dispute
	Role       string
	Department string
	Unit       string
	Rule       string   // the rule the case is under; "" for the fallback owner's (Fallback)
	Escalation string   // its policy
	Assist     []string // escalate, reopen, redispatch: the level's co-handlers
	Reasons    []string // ReasonMissedRespond, ...
	NextCheck  time.Time
	RespondBy  time.Time
	ResolveBy  time.Time
	Repinned   bool            // the case's pinned rule or handler could not be kept (SPEC §6.1)
	Fallback   bool            // the case's rule is the fallback owner's
	Error      string          // Rejected: why
	Bundle     string          // the digest of the bundle that decided (SPEC §6.6)
	Trace      json.RawMessage // with EscalateExplain: the whole action as JSON, with its trace
}

var actionKinds = map[C.int32_t]string{C.GRIDROUTE_ACTION_NONE: None, C.GRIDROUTE_ACTION_HOLD: Hold,
	C.GRIDROUTE_ACTION_ESCALATE: Escalate, C.GRIDROUTE_ACTION_REOPEN: Reopen, C.GRIDROUTE_ACTION_OVERDUE: Overdue,
	C.GRIDROUTE_ACTION_REJECTED: Rejected, C.GRIDROUTE_ACTION_REDISPATCH: Redispatch,
	C.GRIDROUTE_ACTION_DISPUTE: Dispute, C.GRIDROUTE_ACTION_SUSPENDED: Suspended}

// EscalateOption changes how Escalate works.
type EscalateOption int

// EscalateExplain fills Action.Trace.
const EscalateExplain EscalateOption = 1

// packLifecycle lays the case's lifecycle out for gr_escalate: its strings appended to the issue's byte
// block, the returns and suspensions in arrays without Go pointers.
func packLifecycle(strs []byte, cs Case) ([]byte, C.gr_lifecycle, []C.gr_return, []C.gridroute_suspension) {
	strs = strs[:len(strs)-1] // the issue's closing NUL goes back at the end
	add := func(s string) (C.size_t, C.size_t) {
		off := len(strs)
		strs = append(strs, s...)
		return C.size_t(off), C.size_t(len(s))
	}
	var lc C.gr_lifecycle
	if cs.Rule != "" {
		lc.has_rule = 1
		lc.rule_off, lc.rule_len = add(cs.Rule)
	}
	if cs.Handler != "" {
		lc.has_handler = 1
		lc.handler_off, lc.handler_len = add(cs.Handler)
	}
	rets := make([]C.gr_return, 0, len(cs.Returned)+1)
	for _, r := range cs.Returned {
		var cr C.gr_return
		cr.handler_off, cr.handler_len = add(r.Handler)
		cr.at = micros(r.At)
		if r.Reason != "" {
			cr.has_reason = 1
			cr.reason_off, cr.reason_len = add(r.Reason)
		}
		rets = append(rets, cr)
	}
	susp := make([]C.gridroute_suspension, 0, len(cs.Suspended)+1)
	for _, x := range cs.Suspended {
		susp = append(susp, C.gridroute_suspension{from: micros(x.From), to: micros(x.To)})
	}
	lc.returned_count, lc.suspended_count = C.size_t(len(rets)), C.size_t(len(susp))
	lc.extended_to = micros(cs.ExtendedTo)
	strs = append(strs, 0)
	return strs, lc, append(rets, C.gr_return{}), append(susp, C.gridroute_suspension{})
}

// rejectedHere is the rejected Action of a case refused before it reaches the library, as the library
// answers one it refuses (Kind Rejected, an error matching ErrRejected).
func rejectedHere(cs Case, msg string) (Action, error) {
	return Action{ID: cs.Issue.ID, Kind: Rejected, Error: msg}, &Error{Code: codeRejected, Message: msg}
}

// Escalate evaluates a case at now through the struct path. A rejected case returns an Action with
// Kind Rejected and an error matching ErrRejected. EscalateExplain fills Action.Trace.
func (e *Engine) Escalate(cs Case, now time.Time, opts ...EscalateOption) (Action, error) {
	// Level and Rating are Go ints; the C case holds 32 bits. A value beyond them is refused here in the
	// library's words for a level or rating it refuses (a conversion would wrap it into a valid one).
	if cs.Level < math.MinInt32 || cs.Level > math.MaxInt32 {
		return rejectedHere(cs, fmt.Sprintf("field 'level' must be a non-negative integer (at most 1000000), got %d", cs.Level))
	}
	if cs.Rating < math.MinInt32 || cs.Rating > math.MaxInt32 {
		return rejectedHere(cs, fmt.Sprintf("field 'rating' must be an integer 1..5, got %d", cs.Rating))
	}
	strs, gi, attrs, err := packIssue(cs.Issue)
	if err != nil {
		return Action{}, err
	}
	strs, lc, rets, susp := packLifecycle(strs, cs)
	var flags C.uint32_t
	for _, o := range opts {
		if o == EscalateExplain {
			flags |= C.GRIDROUTE_ESCALATE_EXPLAIN
		}
	}
	c := C.gridroute_case{struct_size: C.uint32_t(unsafe.Sizeof(C.gridroute_case{})), level: C.int32_t(cs.Level),
		level_started_at: micros(cs.LevelStartedAt), reports: C.int64_t(cs.Reports),
		rating: C.int32_t(cs.Rating)}
	if cs.Responded {
		c.responded = 1
	}
	if cs.Resolved {
		c.resolved = 1
	}
	ca := actionPool.Get().(*cAction)
	a := ca.a
	// Released once read, before it goes back: a kept action holds no bundle.
	defer func() {
		C.gridroute_action_release(a)
		actionPool.Put(ca)
	}()
	var cerr *C.gridroute_error
	rc := e.use(func(ce *C.gridroute_engine) C.int {
		return C.gr_escalate(a, ce, (*C.char)(unsafe.Pointer(&strs[0])), &gi, &attrs[0], &c, &lc, &rets[0],
			&susp[0], micros(now), flags, &cerr)
	})
	runtime.KeepAlive(strs)
	runtime.KeepAlive(attrs)
	runtime.KeepAlive(rets)
	runtime.KeepAlive(susp)
	err = newError(rc, cerr)
	if a.kind == 0 {
		return Action{}, err
	}
	var trace json.RawMessage
	if a.json.ptr != nil {
		trace = json.RawMessage(C.GoBytes(unsafe.Pointer(a.json.ptr), C.int(a.json.len)))
	}
	if a.kind == C.GRIDROUTE_ACTION_REJECTED {
		return Action{ID: cs.Issue.ID, Kind: Rejected, Error: goString(a.message), Bundle: goString(a.bundle),
			Trace: trace}, err
	}
	kind, known := actionKinds[a.kind]
	if !known {
		return Action{}, &Error{Code: codeInternal, Message: fmt.Sprintf(
			"unknown action kind %d from libgridroute %s: this package (%s) is older than the library", a.kind,
			Version(), BindingVersion)}
	}
	tz := goString(a.timezone)
	out := Action{ID: cs.Issue.ID, Kind: kind, Level: int(a.level), Handler: goString(a.handler),
		Role: goString(a.role), Department: goString(a.department), Unit: goString(a.unit), Rule: goString(a.rule),
		Escalation: goString(a.escalation), Assist: goList(a.assist, a.assist_count), Reasons: []string{},
		NextCheck: goTime(a.next_check, tz), RespondBy: goTime(a.respond_by, tz), ResolveBy: goTime(a.resolve_by, tz),
		Repinned: a.repinned != 0, Fallback: a.fallback != 0, Bundle: goString(a.bundle), Cell: goString(a.cell),
		Trace: trace}
	for _, r := range []struct {
		bit  C.uint32_t
		name string
	}{{C.GRIDROUTE_REASON_MISSED_RESPOND, ReasonMissedRespond}, {C.GRIDROUTE_REASON_MISSED_RESOLVE, ReasonMissedResolve},
		{C.GRIDROUTE_REASON_REPEAT_REPORTS, ReasonRepeatReports}, {C.GRIDROUTE_REASON_LOW_RATING, ReasonLowRating},
		{C.GRIDROUTE_REASON_RETURNED, ReasonReturned}} {
		if a.reasons&r.bit != 0 {
			out.Reasons = append(out.Reasons, r.name)
		}
	}
	return out, err
}

// Digest is the digest of the engine's current bundle (SPEC §6.6): lowercase hex, the same on every
// machine for the same files. Every Decision and Action carries the digest of the bundle that made it.
func (e *Engine) Digest() (string, error) {
	out := (*C.gridroute_buf)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gridroute_buf{}))))
	defer C.free(unsafe.Pointer(out))
	var cerr *C.gridroute_error
	rc := e.use(func(c *C.gridroute_engine) C.int { return C.gridroute_engine_digest(out, c, &cerr) })
	data := takeBuf(out)
	if err := newError(rc, cerr); err != nil {
		return "", err
	}
	return string(data), nil
}

// ---- check

// Diagnostic is one bundle problem or lint finding: File:Line:Column: Pointer: Message.
type Diagnostic struct {
	Severity string // "error" or "warning"
	File     string
	Line     int
	Column   int
	Pointer  string
	Message  string
	Text     string // the whole line, as `gridroute check` prints it
}

func goDiagnostic(d C.gridroute_diagnostic) Diagnostic {
	sev := "error"
	if d.severity == C.GRIDROUTE_SEVERITY_WARNING {
		sev = "warning"
	}
	return Diagnostic{Severity: sev, File: C.GoString(d.file), Line: int(d.line), Column: int(d.column),
		Pointer: C.GoString(d.pointer), Message: C.GoString(d.message), Text: C.GoString(d.text)}
}

// Check returns the lint findings of `gridroute check` (warnings); none when the bundle is clean.
func (e *Engine) Check() ([]Diagnostic, error) {
	var list *C.gridroute_diagnostics
	var cerr *C.gridroute_error
	rc := e.use(func(c *C.gridroute_engine) C.int { return C.gridroute_engine_check(&list, c, nil, &cerr) })
	if err := newError(rc, cerr); err != nil {
		return nil, err
	}
	defer C.gridroute_diagnostics_free(list)
	out := make([]Diagnostic, 0, int(list.count))
	for i := C.size_t(0); i < list.count; i++ {
		out = append(out, goDiagnostic(C.gr_diag(list.items, i)))
	}
	return out, nil
}
