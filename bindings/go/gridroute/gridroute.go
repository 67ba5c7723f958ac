// Package gridroute routes residents' issues to handlers and decides escalations, over the C ABI of
// libgridroute (capi/include/gridroute.h).
//
//	engine, err := gridroute.Load("examples/lanxi")
//	if err != nil { ... }                        // errors.Is(err, gridroute.ErrBundle), errors.As(err, &gerr)
//	defer engine.Close()
//	d, err := engine.Route(gridroute.Issue{ID: "I-1", Category: "env.noise.loudspeaker",
//		Cell: "qiaodong-a-01", At: time.Now()})
//
// An *Engine is safe for concurrent use: Route, RouteBatch, Escalate and Check may run in any number of
// goroutines, also while another goroutine calls Reload. Close waits for calls already running.
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
} gr_issue;

static int gr_make_issue(gridroute_issue *is, gridroute_attr *a, const char *strs, const gr_issue *gi,
                         const gr_attr *attrs) {
  size_t i;
  gridroute_issue init = GRIDROUTE_ISSUE_INIT;
  *is = init;
  is->id = strs + gi->id_off; is->id_len = gi->id_len;
  is->category = strs + gi->category_off; is->category_len = gi->category_len;
  is->cell = strs + gi->cell_off; is->cell_len = gi->cell_len;
  is->at = gi->at;
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

static int gr_escalate(gridroute_action *out, const gridroute_engine *e, const char *strs, const gr_issue *gi,
                       const gr_attr *attrs, const gridroute_case *c0, int64_t now, gridroute_error **err) {
  gridroute_attr stack[16], *a = stack;
  gridroute_issue is;
  gridroute_case c = *c0;
  int rc;
  if (gi->attr_count > 16 && !(a = (gridroute_attr *)malloc(gi->attr_count * sizeof *a))) return GRIDROUTE_E_NO_MEMORY;
  gr_make_issue(&is, a, strs, gi, attrs);
  c.issue = &is;
  rc = gridroute_engine_escalate(out, e, &c, now, NULL, err);
  if (a != stack) free(a);
  return rc;
}

static gridroute_string gr_at(const gridroute_string *list, size_t i) { return list[i]; }
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

// Version is the version of the loaded C library, e.g. "1.0.0".
func Version() string { return C.GoString(C.gridroute_version()) }

// BindingMajor and BindingMinor are the C ABI version this package was written for; Load refuses a
// library of another major version or an older minor one.
const (
	BindingMajor = 1
	BindingMinor = 0
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
		p := C.CBytes(append(b, 0)) // never empty, so never NULL
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

// Issue is an issue to route. Attrs values may be bool, any integer or float type, json.Number,
// string, nil, or (rejecting the issue if the attribute is declared) a map or slice.
type Issue struct {
	ID       string
	Category string
	Cell     string
	At       time.Time
	Attrs    map[string]any
}

// Decision statuses.
const (
	Routed   = "routed"
	Unrouted = "unrouted"
	Rejected = "rejected"
)

// Decision is the answer for an issue (SPEC §4). Times are in the jurisdiction's time zone; the zero
// time.Time means none.
type Decision struct {
	Status     string // Routed, Unrouted or Rejected
	Rule       string
	Role       string
	Department string // "" when the role has none
	Handler    string
	Unit       string
	Alternates []string
	Assist     []string
	Level      int
	Escalation string // "" when no policy applies
	RespondBy  time.Time
	ResolveBy  time.Time
	Reason     string          // Unrouted: why
	Error      string          // Rejected: why
	Trace      json.RawMessage // with RouteExplain: the whole decision as JSON, with its trace
}

// packIssue lays an issue out for the C helpers: one byte block and offset structs, no Go pointers.
func packIssue(is Issue) ([]byte, C.gr_issue, []C.gr_attr, error) {
	strs := make([]byte, 0, len(is.ID)+len(is.Category)+len(is.Cell)+16*len(is.Attrs)+1)
	add := func(s string) (C.size_t, C.size_t) {
		off := len(strs)
		strs = append(strs, s...)
		return C.size_t(off), C.size_t(len(s))
	}
	var gi C.gr_issue
	gi.id_off, gi.id_len = add(is.ID)
	gi.category_off, gi.category_len = add(is.Category)
	gi.cell_off, gi.cell_len = add(is.Cell)
	gi.at = micros(is.At)
	attrs := make([]C.gr_attr, 0, len(is.Attrs)+1)
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
				return nil, gi, nil, &Error{Code: codeInvalidArgument, Message: fmt.Sprintf("attribute %q: %v", name, err)}
			}
			a._type, a.number = C.GRIDROUTE_ATTR_NUMBER, C.double(f)
		case float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
			a._type, a.number = C.GRIDROUTE_ATTR_NUMBER, C.double(toFloat(x))
		case map[string]any:
			a._type = C.GRIDROUTE_ATTR_OBJECT
		case []any:
			a._type = C.GRIDROUTE_ATTR_LIST
		default:
			return nil, gi, nil, &Error{Code: codeInvalidArgument,
				Message: fmt.Sprintf("attribute %q: unsupported type %T", name, v)}
		}
		attrs = append(attrs, a)
	}
	gi.attr_count = C.size_t(len(attrs))
	strs = append(strs, 0) // never empty
	attrs = append(attrs, C.gr_attr{})
	return strs, gi, attrs, nil
}

// micros is t in Unix microseconds; the zero time is "not set" (GRIDROUTE_TIME_NONE), which the library
// refuses as a missing field rather than reading it as the year 1.
func micros(t time.Time) C.int64_t {
	if t.IsZero() {
		return C.GRIDROUTE_TIME_NONE
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

func goList(p *C.gridroute_string, n C.size_t) []string {
	out := make([]string, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		out = append(out, goString(C.gr_at(p, i)))
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

// Route routes an issue through the struct path (no JSON). An unrouted issue is not an error. A
// rejected issue returns a Decision with Status Rejected and an error matching ErrRejected.
func (e *Engine) Route(is Issue, opts ...RouteOption) (Decision, error) {
	strs, gi, attrs, err := packIssue(is)
	if err != nil {
		return Decision{}, err
	}
	var flags C.uint32_t
	for _, o := range opts {
		if o == RouteExplain {
			flags |= C.GRIDROUTE_ROUTE_EXPLAIN
		}
	}
	d := (*C.gridroute_decision)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gridroute_decision{}))))
	defer C.free(unsafe.Pointer(d))
	d.struct_size = C.uint32_t(unsafe.Sizeof(*d))
	defer C.gridroute_decision_release(d)
	var cerr *C.gridroute_error
	rc := e.use(func(c *C.gridroute_engine) C.int {
		return C.gr_route(d, c, (*C.char)(unsafe.Pointer(&strs[0])), &gi, &attrs[0], flags, &cerr)
	})
	runtime.KeepAlive(strs)
	runtime.KeepAlive(attrs)
	err = newError(rc, cerr)
	var out Decision
	switch d.status {
	case C.GRIDROUTE_DECISION_ROUTED:
		tz := goString(d.timezone)
		out = Decision{Status: Routed, Rule: goString(d.rule), Role: goString(d.role),
			Department: goString(d.department), Handler: goString(d.handler), Unit: goString(d.unit),
			Alternates: goList(d.alternates, d.alternate_count), Assist: goList(d.assist, d.assist_count),
			Level: int(d.level), Escalation: goString(d.escalation),
			RespondBy: goTime(d.respond_by, tz), ResolveBy: goTime(d.resolve_by, tz)}
	case C.GRIDROUTE_DECISION_UNROUTED:
		out = Decision{Status: Unrouted, Reason: goString(d.message)}
	case C.GRIDROUTE_DECISION_REJECTED:
		out = Decision{Status: Rejected, Error: goString(d.message)}
	}
	if d.json.ptr != nil {
		out.Trace = json.RawMessage(C.GoBytes(unsafe.Pointer(d.json.ptr), C.int(d.json.len)))
	}
	return out, err
}

// Case is an issue under way, for escalation (SPEC §3.5).
type Case struct {
	Issue          Issue
	Level          int
	LevelStartedAt time.Time
	Responded      bool
	Reports        int64
	Resolved       bool
	Rating         int // 0: none; else 1..5
}

// Action kinds.
const (
	None     = "none"
	Hold     = "hold"
	Escalate = "escalate"
	Reopen   = "reopen"
	Overdue  = "overdue"
)

// Action is the answer for a case at a time (SPEC §4).
type Action struct {
	Kind       string // None, Hold, Escalate, Reopen, Overdue or Rejected
	Level      int
	Handler    string
	Role       string
	Department string
	Unit       string
	Rule       string
	Escalation string
	Reasons    []string // missed_respond, missed_resolve, repeat_reports, low_rating
	NextCheck  time.Time
	RespondBy  time.Time
	ResolveBy  time.Time
	Error      string // Rejected: why
}

var actionKinds = map[C.int32_t]string{C.GRIDROUTE_ACTION_NONE: None, C.GRIDROUTE_ACTION_HOLD: Hold,
	C.GRIDROUTE_ACTION_ESCALATE: Escalate, C.GRIDROUTE_ACTION_REOPEN: Reopen, C.GRIDROUTE_ACTION_OVERDUE: Overdue,
	C.GRIDROUTE_ACTION_REJECTED: Rejected}

// Escalate evaluates a case at now through the struct path. A rejected case returns an Action with
// Kind Rejected and an error matching ErrRejected.
func (e *Engine) Escalate(cs Case, now time.Time) (Action, error) {
	strs, gi, attrs, err := packIssue(cs.Issue)
	if err != nil {
		return Action{}, err
	}
	c := C.gridroute_case{struct_size: C.uint32_t(unsafe.Sizeof(C.gridroute_case{})), level: C.int32_t(cs.Level),
		level_started_at: micros(cs.LevelStartedAt), reports: C.int64_t(cs.Reports),
		rating: C.int32_t(cs.Rating)}
	if cs.Level > math.MaxInt32 {
		c.level = -1
	}
	if cs.Responded {
		c.responded = 1
	}
	if cs.Resolved {
		c.resolved = 1
	}
	a := (*C.gridroute_action)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gridroute_action{}))))
	defer C.free(unsafe.Pointer(a))
	a.struct_size = C.uint32_t(unsafe.Sizeof(*a))
	defer C.gridroute_action_release(a)
	var cerr *C.gridroute_error
	rc := e.use(func(ce *C.gridroute_engine) C.int {
		return C.gr_escalate(a, ce, (*C.char)(unsafe.Pointer(&strs[0])), &gi, &attrs[0], &c,
			micros(now), &cerr)
	})
	runtime.KeepAlive(strs)
	runtime.KeepAlive(attrs)
	err = newError(rc, cerr)
	if a.kind == 0 {
		return Action{}, err
	}
	if a.kind == C.GRIDROUTE_ACTION_REJECTED {
		return Action{Kind: Rejected, Error: goString(a.message)}, err
	}
	tz := goString(a.timezone)
	out := Action{Kind: actionKinds[a.kind], Level: int(a.level), Handler: goString(a.handler),
		Role: goString(a.role), Department: goString(a.department), Unit: goString(a.unit), Rule: goString(a.rule),
		Escalation: goString(a.escalation), Reasons: []string{},
		NextCheck: goTime(a.next_check, tz), RespondBy: goTime(a.respond_by, tz), ResolveBy: goTime(a.resolve_by, tz)}
	for _, r := range []struct {
		bit  C.uint32_t
		name string
	}{{C.GRIDROUTE_REASON_MISSED_RESPOND, "missed_respond"}, {C.GRIDROUTE_REASON_MISSED_RESOLVE, "missed_resolve"},
		{C.GRIDROUTE_REASON_REPEAT_REPORTS, "repeat_reports"}, {C.GRIDROUTE_REASON_LOW_RATING, "low_rating"}} {
		if a.reasons&r.bit != 0 {
			out.Reasons = append(out.Reasons, r.name)
		}
	}
	return out, err
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
