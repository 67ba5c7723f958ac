package gridroute

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Environment (CTest sets it): GRIDROUTE_EXAMPLE_DIRS (':'-separated folders of example bundles, or
// bundles), GRIDROUTE_SOURCE_DIR (the repository; default ../../..).

func sourceDir() string {
	if d := os.Getenv("GRIDROUTE_SOURCE_DIR"); d != "" {
		return d
	}
	d, _ := filepath.Abs("../../..")
	return d
}

func lanxi() string { return filepath.Join(sourceDir(), "examples", "lanxi") }

func bundles(t *testing.T) []string {
	roots := append(strings.Split(os.Getenv("GRIDROUTE_EXAMPLE_DIRS"), ":"), lanxi())
	seen := map[string]bool{}
	var out []string
	add := func(d string) {
		if _, err := os.Stat(filepath.Join(d, "jurisdiction.json")); err != nil {
			return
		}
		if abs, err := filepath.EvalSymlinks(d); err == nil && !seen[abs] {
			seen[abs] = true
			out = append(out, abs)
		}
	}
	for _, r := range roots {
		if r == "" {
			continue
		}
		add(r)
		entries, _ := os.ReadDir(r)
		for _, e := range entries {
			add(filepath.Join(r, e.Name()))
		}
	}
	if len(out) == 0 {
		t.Fatal("no example bundles found")
	}
	return out
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func nonBlankLines(b []byte) [][]byte {
	var out [][]byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(bytes.Trim(l, " \t\r")) > 0 {
			out = append(out, bytes.TrimRight(l, "\r"))
		}
	}
	return out
}

func objects(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range nonBlankLines(b) {
		var m map[string]any
		if err := json.Unmarshal(l, &m); err != nil {
			t.Fatalf("bad JSON %s: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// ---- the contract comparison of compare_jsonl.py (SPEC §4)

var (
	routeFields = []string{"id", "status", "rule", "role", "department", "handler", "unit", "alternates", "assist",
		"level", "escalation", "respond_by", "resolve_by"}
	escFields = []string{"id", "action", "level", "handler", "role", "department", "reasons", "next_check",
		"respond_by", "resolve_by"}
	timeFields = map[string]bool{"respond_by": true, "resolve_by": true, "next_check": true}
)

func same(field string, exp, act any) bool {
	if exp == nil || act == nil {
		return exp == nil && act == nil
	}
	if timeFields[field] {
		es, ok1 := exp.(string)
		as, ok2 := act.(string)
		te, err1 := time.Parse(time.RFC3339Nano, es)
		ta, err2 := time.Parse(time.RFC3339Nano, as)
		if ok1 && ok2 && err1 == nil && err2 == nil {
			return te.Equal(ta)
		}
	}
	if field == "reasons" {
		toSet := func(v any) []string {
			var s []string
			for _, x := range v.([]any) {
				s = append(s, x.(string))
			}
			sort.Strings(s)
			return s
		}
		return reflect.DeepEqual(toSet(exp), toSet(act))
	}
	return reflect.DeepEqual(exp, act)
}

func compareLine(mode string, exp, act map[string]any) []string {
	key, fields := "status", routeFields
	if mode == "escalate" {
		key, fields = "action", escFields
	}
	if exp[key] == "rejected" || exp[key] == "unrouted" {
		fields = []string{"id", key}
	}
	var diffs []string
	for _, f := range fields {
		if !same(f, exp[f], act[f]) {
			b1, _ := json.Marshal(exp[f])
			b2, _ := json.Marshal(act[f])
			diffs = append(diffs, f+": expected "+string(b1)+", got "+string(b2))
		}
	}
	return diffs
}

func expectMatch(t *testing.T, mode string, got, want []map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d answers, want %d", len(got), len(want))
	}
	for i := range want {
		if d := compareLine(mode, want[i], got[i]); len(d) > 0 {
			t.Errorf("line %d (%v): %v", i+1, want[i]["id"], d)
		}
	}
}

// ---- converting lines to the struct path and answers back to the JSON shape

func issueOf(m map[string]any) (Issue, bool) {
	id, ok1 := m["id"].(string)
	cat, ok2 := m["category"].(string)
	cell, ok3 := m["cell"].(string)
	atText, ok4 := m["at"].(string)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return Issue{}, false
	}
	at, err := time.Parse(time.RFC3339Nano, atText)
	if err != nil {
		return Issue{}, false
	}
	is := Issue{ID: StringID(id), Category: cat, Cell: cell, At: at}
	if a, ok := m["attrs"]; ok && a != nil {
		attrs, ok := a.(map[string]any)
		if !ok {
			return Issue{}, false
		}
		is.Attrs = attrs
	}
	return is, true
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.RFC3339Nano)
}

func strOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func anyList(s []string) []any {
	out := []any{}
	for _, x := range s {
		out = append(out, x)
	}
	return out
}

func decisionMap(id string, d Decision) map[string]any {
	m := map[string]any{"id": id, "status": d.Status}
	if d.Status != Routed {
		return m
	}
	m["rule"], m["role"], m["department"], m["handler"] = d.Rule, d.Role, strOrNil(d.Department), d.Handler
	m["unit"], m["alternates"], m["assist"] = d.Unit, anyList(d.Alternates), anyList(d.Assist)
	m["level"], m["escalation"] = float64(d.Level), strOrNil(d.Escalation)
	m["respond_by"], m["resolve_by"] = timeOrNil(d.RespondBy), timeOrNil(d.ResolveBy)
	return m
}

func actionMap(id string, a Action) map[string]any {
	m := map[string]any{"id": id, "action": a.Kind}
	if a.Kind == Rejected {
		return m
	}
	m["level"], m["handler"], m["role"], m["department"] = float64(a.Level), a.Handler, a.Role, strOrNil(a.Department)
	m["reasons"] = anyList(a.Reasons)
	m["next_check"], m["respond_by"], m["resolve_by"] = timeOrNil(a.NextCheck), timeOrNil(a.RespondBy), timeOrNil(a.ResolveBy)
	return m
}

func nowOf(t *testing.T, bundle string) time.Time {
	now, err := time.Parse(time.RFC3339, strings.TrimSpace(string(readFile(t, filepath.Join(bundle, "NOW.txt")))))
	if err != nil {
		t.Fatal(err)
	}
	return now
}

// ---- golden

func TestVersion(t *testing.T) {
	if v := Version(); !strings.HasPrefix(v, "1.") {
		t.Fatalf("Version() = %q", v)
	}
	if err := checkVersion(); err != nil {
		t.Fatal(err)
	}
}

// ParseTime reads times as the engine reads an issue's "at": a leap second as the next minute's :00, and
// no offset of 24 hours; Go's time.Parse does the opposite of both.
func TestParseTimeReadsAsTheEngine(t *testing.T) {
	for text, want := range map[string]string{
		"2026-11-20T09:15:00+08:00": "2026-11-20T01:15:00Z",
		"2026-11-20 09:15:00.5z":    "2026-11-20T09:15:00.5Z",
		"2016-12-31T23:59:60Z":      "2017-01-01T00:00:00Z",
	} {
		got, err := ParseTime(text)
		if err != nil || got.Format(time.RFC3339Nano) != want {
			t.Errorf("ParseTime(%q) = %v, %v; want %s", text, got, err, want)
		}
	}
	for _, text := range []string{"2026-11-20T09:15:00+24:00", "2026-11-20T09:15:00", "9500-01-01T00:00:00Z", ""} {
		if _, err := ParseTime(text); err == nil || !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("ParseTime(%q): want an invalid-argument error, got %v", text, err)
		}
	}
}

func TestGoldenBatches(t *testing.T) {
	for _, b := range bundles(t) {
		t.Run(filepath.Base(b), func(t *testing.T) {
			e, err := Load(b)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			// The demo bundle's loudspeaker-minor rule shows on purpose that `ne` is false on a missing
			// attribute (its README: L04), and Check warns about it; any other finding is a regression.
			// shuangcheng's drainage rule names a water department that no handler is (its README: "no
			// water department anywhere").
			var intended []string
			if filepath.Base(b) == "lanxi" {
				intended = []string{"/rules/2/when/all/1"}
			}
			if filepath.Base(b) == "shuangcheng" {
				intended = []string{"/rules/25/route"}
			}
			f, err := e.Check()
			var got []string
			for _, d := range f {
				got = append(got, d.Pointer)
			}
			if err != nil || strings.Join(got, " ") != strings.Join(intended, " ") {
				t.Fatalf("Check() = %v, %v", f, err)
			}
			out, err := e.RouteBatch(readFile(t, filepath.Join(b, "issues.jsonl")), false)
			if err != nil {
				t.Fatal(err)
			}
			expectMatch(t, "route", objects(t, out), objects(t, readFile(t, filepath.Join(b, "expected-route.jsonl"))))
			out, err = e.EscalateBatch(readFile(t, filepath.Join(b, "cases.jsonl")), nowOf(t, b))
			if err != nil {
				t.Fatal(err)
			}
			expectMatch(t, "escalate", objects(t, out), objects(t, readFile(t, filepath.Join(b, "expected-escalate.jsonl"))))
		})
	}
}

func TestGoldenStructPath(t *testing.T) {
	for _, b := range bundles(t) {
		t.Run(filepath.Base(b), func(t *testing.T) {
			e, err := Load(b)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			var got []map[string]any
			for _, line := range nonBlankLines(readFile(t, filepath.Join(b, "issues.jsonl"))) {
				var m map[string]any
				is, ok := Issue{}, json.Unmarshal(line, &m) == nil
				if ok {
					is, ok = issueOf(m)
				}
				if !ok { // not representable as an Issue: the JSON path
					out, _ := e.RouteJSON(line, false)
					got = append(got, objects(t, out)[0])
					continue
				}
				d, err := e.Route(is)
				if (d.Status == Rejected) != errors.Is(err, ErrRejected) || (err != nil && d.Status != Rejected) {
					t.Fatalf("%s: status %s with error %v", is.ID, d.Status, err)
				}
				got = append(got, decisionMap(is.ID.String(), d))
			}
			expectMatch(t, "route", got, objects(t, readFile(t, filepath.Join(b, "expected-route.jsonl"))))

			now := nowOf(t, b)
			got = nil
			for _, line := range nonBlankLines(readFile(t, filepath.Join(b, "cases.jsonl"))) {
				var m map[string]any
				ok := json.Unmarshal(line, &m) == nil
				var c Case
				if ok {
					c.Issue, ok = issueOf(m)
				}
				level, ok1 := m["level"].(float64)
				started, ok2 := m["level_started_at"].(string)
				responded, ok3 := m["responded"].(bool)
				reports, ok4 := m["reports"].(float64)
				status, ok5 := m["status"].(string)
				ok = ok && ok1 && ok2 && ok3 && ok4 && ok5 && (status == "open" || status == "resolved") &&
					level == float64(int(level)) && reports == float64(int64(reports))
				if r, has := m["rating"]; has && r != nil {
					rf, isNum := r.(float64)
					ok = ok && isNum && rf >= 1 && rf <= 5 && rf == float64(int(rf))
					c.Rating = int(rf)
				}
				var err error
				if ok {
					c.LevelStartedAt, err = time.Parse(time.RFC3339Nano, started)
					ok = err == nil
				}
				if !ok {
					out, _ := e.EscalateJSON(line, now)
					got = append(got, objects(t, out)[0])
					continue
				}
				c.Level, c.Responded, c.Reports, c.Resolved = int(level), responded, int64(reports), status == "resolved"
				a, err := e.Escalate(c, now)
				if (a.Kind == Rejected) != errors.Is(err, ErrRejected) {
					t.Fatalf("%s: kind %s with error %v", c.Issue.ID, a.Kind, err)
				}
				got = append(got, actionMap(c.Issue.ID.String(), a))
			}
			expectMatch(t, "escalate", got, objects(t, readFile(t, filepath.Join(b, "expected-escalate.jsonl"))))
		})
	}
}

// ---- errors

// The core's refusal for times out of range or not set, in the same words as every front end
// (capi/tests/frontends_test.cpp).
func TestOutOfRangeTimes(t *testing.T) {
	e, err := Load(lanxi())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	const calendar = "must be before 9000-01-01T00:00:00Z (the calendar range) and not before 0000-01-01T00:00:00Z"
	is := Issue{ID: StringID("V"), Category: "street.vending.gate", Cell: "qiaodong-a-01",
		At: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	if d, err := e.Route(is); !errors.Is(err, ErrRejected) || d.Error != "field 'at' "+calendar {
		t.Fatalf("Route(9999) = %+v, %v", d, err)
	}
	// Years int64 microseconds cannot hold: refused too, never wrapped into the range (586600 → 2065).
	for _, y := range []int{586600, 300000, -300000, -586600} {
		is.At = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		if d, err := e.Route(is); !errors.Is(err, ErrRejected) || d.Error != "field 'at' "+calendar {
			t.Fatalf("Route(year %d) = %+v, %v", y, d, err)
		}
	}
	is.At = time.Time{}
	if d, err := e.Route(is); !errors.Is(err, ErrRejected) || d.Error != "missing field 'at'" {
		t.Fatalf("Route(zero At) = %+v, %v", d, err)
	}
	is.At = time.Date(2025, 11, 20, 9, 15, 0, 0, time.UTC)
	cs := Case{Issue: is, LevelStartedAt: is.At}
	if a, err := e.Escalate(cs, time.Time{}); !errors.Is(err, ErrRejected) || a.Error != "no time to evaluate at: 'now' is not set" {
		t.Fatalf("Escalate(zero now) = %+v, %v", a, err)
	}
	if a, err := e.Escalate(cs, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, ErrRejected) ||
		a.Error != "field 'now' "+calendar {
		t.Fatalf("Escalate(9999) = %+v, %v", a, err)
	}
	if a, err := e.Escalate(cs, time.Date(586600, 1, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, ErrRejected) ||
		a.Error != "field 'now' "+calendar {
		t.Fatalf("Escalate(586600) = %+v, %v", a, err)
	}
}

// Sources sliced from one buffer load as separate copies do, and the caller's buffer is left as it was:
// the NUL each text needs in C memory is not written behind a slice that has room after it.
func TestSourcesSlicedFromOneBufferAreNotWrittenInto(t *testing.T) {
	l := lanxi()
	parts := [][]byte{readFile(t, filepath.Join(l, "jurisdiction.json")), readFile(t, filepath.Join(l, "rules.json")),
		readFile(t, filepath.Join(l, "units.csv")), readFile(t, filepath.Join(l, "handlers.csv"))}
	var whole []byte
	var at []int
	for _, p := range parts {
		at = append(at, len(whole))
		whole = append(whole, p...)
	}
	at = append(at, len(whole))
	before := append([]byte(nil), whole...)
	slice := func(i int) []byte { return whole[at[i]:at[i+1]] } // each has the next part as spare room
	src := Sources{Jurisdiction: slice(0), Rules: slice(1), Files: map[string][]byte{"units.csv": slice(2), "handlers.csv": slice(3)}}
	e, err := LoadSources(src)
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	if !bytes.Equal(whole, before) {
		t.Fatal("LoadSources wrote into the caller's buffer")
	}
}

// Level and Rating beyond 32 bits are refused in the library's words, never wrapped into a valid value.
func TestLevelAndRatingBeyond32BitsAreRefused(t *testing.T) {
	e, err := Load(lanxi())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	at := time.Date(2025, 11, 20, 9, 15, 0, 0, time.UTC)
	is := Issue{ID: StringID("W"), Category: "street.vending.gate", Cell: "qiaodong-a-01", At: at}
	for _, c := range []struct {
		cs   Case
		want string
	}{
		{Case{Issue: is, LevelStartedAt: at, Level: -(1 << 32) + 1}, "field 'level' must be a non-negative integer (at most 1000000), got -4294967295"},
		{Case{Issue: is, LevelStartedAt: at, Level: 1<<32 + 1}, "field 'level' must be a non-negative integer (at most 1000000), got 4294967297"},
		{Case{Issue: is, LevelStartedAt: at, Resolved: true, Rating: 1<<32 + 3}, "field 'rating' must be an integer 1..5, got 4294967299"},
	} {
		a, err := e.Escalate(c.cs, at.Add(time.Hour))
		if !errors.Is(err, ErrRejected) || a.Kind != Rejected || a.Error != c.want {
			t.Errorf("Escalate(level %d, rating %d) = %+v, %v; want %q", c.cs.Level, c.cs.Rating, a, err, c.want)
		}
	}
}

func TestErrors(t *testing.T) {
	_, err := Load("/nonexistent/bundle")
	var gerr *Error
	if !errors.Is(err, ErrBundle) || !errors.As(err, &gerr) {
		t.Fatalf("Load: %v", err)
	}
	if gerr.File != "/nonexistent/bundle" || len(gerr.Diagnostics) != 1 || gerr.Code != 3 {
		t.Fatalf("details: %+v", gerr)
	}

	l := lanxi()
	rules := map[string]any{}
	if err := json.Unmarshal(readFile(t, filepath.Join(l, "rules.json")), &rules); err != nil {
		t.Fatal(err)
	}
	rules["surprise"] = 1
	rb, _ := json.Marshal(rules)
	src := Sources{Label: "mem", Jurisdiction: readFile(t, filepath.Join(l, "jurisdiction.json")), Rules: rb,
		Files: map[string][]byte{"units.csv": readFile(t, filepath.Join(l, "units.csv")),
			"handlers.csv": readFile(t, filepath.Join(l, "handlers.csv"))}}
	_, err = LoadSources(src)
	if !errors.As(err, &gerr) || !errors.Is(err, ErrBundle) || gerr.Pointer != "/surprise" ||
		gerr.File != "mem/rules.json" || gerr.Line < 1 || gerr.Column < 1 {
		t.Fatalf("LoadSources: %#v", err)
	}
	delete(rules, "surprise")
	src.Rules, _ = json.Marshal(rules)
	e, err := LoadSources(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ReloadSources(src); err != nil {
		t.Fatal(err)
	}
	if err := e.Reload("/nonexistent"); !errors.Is(err, ErrBundle) {
		t.Fatalf("Reload: %v", err)
	}

	// Rejected lines: invalid UTF-8, truncated JSON, an unknown cell.
	for _, line := range []string{"{\"id\": \"I-\xff\"}", `{"id": "I-1", "category": "env.noi`} {
		out, err := e.RouteJSON([]byte(line), false)
		if !errors.Is(err, ErrRejected) || !bytes.Contains(out, []byte(`"rejected"`)) {
			t.Fatalf("RouteJSON(%q) = %s, %v", line, out, err)
		}
	}
	d, err := e.Route(Issue{ID: StringID("I-3"), Category: "env.noise.loudspeaker", Cell: "nowhere", At: time.Now()})
	if !errors.Is(err, ErrRejected) || d.Status != Rejected || !strings.Contains(d.Error, "nowhere") {
		t.Fatalf("Route: %+v, %v", d, err)
	}
	d, err = e.Route(Issue{ID: StringID("I-4"), Category: "x", Cell: "y\xc3", At: time.Now()})
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("Route invalid UTF-8: %+v, %v", d, err)
	}
	if _, err := e.Route(Issue{ID: StringID("I-5"), Attrs: map[string]any{"x": struct{}{}}}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Route with a struct attribute: %v", err)
	}
	if _, err := e.Escalate(Case{Issue: Issue{ID: StringID("C-1")}, Rating: 9}, time.Now()); !errors.Is(err, ErrRejected) {
		t.Fatalf("Escalate: %v", err)
	}

	// A closed engine: every call fails cleanly.
	e.Close()
	e.Close()
	if _, err := e.RouteJSON([]byte("{}"), false); !errors.Is(err, ErrInvalidArgument) || err.Error() != "gridroute: the engine is closed" {
		t.Fatalf("after Close: %v", err)
	}
	if _, err := e.Route(Issue{}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("after Close: %v", err)
	}
	if _, err := e.Check(); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestExplain(t *testing.T) {
	e, err := Load(lanxi())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	line := nonBlankLines(readFile(t, filepath.Join(lanxi(), "issues.jsonl")))[0]
	out, err := e.RouteJSON(line, true)
	if err != nil || !bytes.Contains(out, []byte(`"trace"`)) {
		t.Fatalf("RouteJSON explain: %s, %v", out, err)
	}
	var m map[string]any
	_ = json.Unmarshal(line, &m)
	is, _ := issueOf(m)
	d, err := e.Route(is, RouteExplain)
	if err != nil || !bytes.Equal(d.Trace, out) {
		t.Fatalf("Route explain: %s, %v", d.Trace, err)
	}
}

// ---- goroutines routing while the engine reloads

func TestGoroutinesRouteWhileReloading(t *testing.T) {
	l := lanxi()
	e, err := Load(l)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	issues := readFile(t, filepath.Join(l, "issues.jsonl"))
	want, err := e.RouteBatch(issues, false)
	if err != nil {
		t.Fatal(err)
	}
	lines := nonBlankLines(issues)
	stop := make(chan struct{})
	var reloads sync.WaitGroup
	reloads.Add(1)
	go func() {
		defer reloads.Done()
		for {
			select {
			case <-stop:
				return
			default:
				if err := e.Reload(l); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for round := 0; round < 5; round++ {
				if g%2 == 0 {
					out, err := e.RouteBatch(issues, false)
					if err != nil || !bytes.Equal(out, want) {
						t.Errorf("goroutine %d: batch differs (%v)", g, err)
						return
					}
					continue
				}
				for _, line := range lines {
					var m map[string]any
					if json.Unmarshal(line, &m) != nil {
						continue
					}
					if is, ok := issueOf(m); ok {
						if _, err := e.Route(is); err != nil && !errors.Is(err, ErrRejected) {
							t.Errorf("goroutine %d: %v", g, err)
							return
						}
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(stop)
	reloads.Wait()
}

// The finalizer frees an engine that was never closed.
func TestFinalizer(t *testing.T) {
	for i := 0; i < 3; i++ {
		if _, err := Load(lanxi()); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		runtimeGC()
	}
}

func runtimeGC() {
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
}
