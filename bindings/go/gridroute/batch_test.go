package gridroute

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// RouteMany and cells by number (ABI 1.3): every example's issues routed at once answer as Route answers
// them one at a time, field by field, and as the expected answers say; by number as by id; after a
// reload, a number is never read; issues the binding cannot pack are rejected in place.

// decisionDiff lists the fields in which two decisions differ (times compared as instants, with their
// zones' names).
func decisionDiff(got, want Decision) []string {
	var diffs []string
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < g.NumField(); i++ {
		gf, wf := g.Field(i).Interface(), w.Field(i).Interface()
		same := reflect.DeepEqual(gf, wf)
		if gt, ok := gf.(time.Time); ok {
			wt := wf.(time.Time)
			same = gt.Equal(wt) && gt.Location().String() == wt.Location().String()
		}
		if !same {
			diffs = append(diffs, fmt.Sprintf("%s: %v, want %v", g.Type().Field(i).Name, gf, wf))
		}
	}
	return diffs
}

func expectSameDecisions(t *testing.T, what string, got, want []Decision) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d decisions, want %d", what, len(got), len(want))
	}
	for i := range want {
		if d := decisionDiff(got[i], want[i]); len(d) > 0 {
			t.Errorf("%s: issue %d (%v): %v", what, i, want[i].ID, d)
		}
	}
}

// routeOneByOne is Route for every issue; a rejection must come with ErrRejected.
func routeOneByOne(t *testing.T, e *Engine, issues []Issue, opts ...RouteOption) []Decision {
	t.Helper()
	out := make([]Decision, 0, len(issues))
	for _, is := range issues {
		d, err := e.Route(is, opts...)
		if (d.Status == Rejected) != errors.Is(err, ErrRejected) || (err != nil && d.Status != Rejected) {
			t.Fatalf("Route(%v): status %s with error %v", is.ID, d.Status, err)
		}
		out = append(out, d)
	}
	return out
}

func routeMany(t *testing.T, e *Engine, issues []Issue, opts ...RouteOption) []Decision {
	t.Helper()
	ds, err := e.RouteMany(issues, opts...)
	if err != nil {
		t.Fatalf("RouteMany: %v", err)
	}
	return ds
}

// issueFile is one file of issue lines of an example, its expected answers, and the lines that are an
// Issue (at: their places among the lines).
type issueFile struct {
	lines    [][]byte
	issues   []Issue
	at       []int
	expected string
}

// issueFiles are an example's issues.jsonl and, for the examples with cell polygons, located.jsonl.
func issueFiles(t *testing.T, bundle string) []issueFile {
	var out []issueFile
	for _, name := range []string{"issues", "located"} {
		path := filepath.Join(bundle, name+".jsonl")
		if _, err := os.Stat(path); err != nil && name != "issues" {
			continue
		}
		f := issueFile{lines: nonBlankLines(readFile(t, path)), expected: filepath.Join(bundle, "expected-"+name+".jsonl")}
		if name == "issues" {
			f.expected = filepath.Join(bundle, "expected-route.jsonl")
		}
		for i, line := range f.lines {
			if is, ok := typedIssue(line); ok {
				f.issues = append(f.issues, is)
				f.at = append(f.at, i)
			}
		}
		if len(f.issues) < len(f.lines)*3/4 {
			t.Errorf("%s: only %d of %d lines became an Issue", path, len(f.issues), len(f.lines))
		}
		out = append(out, f)
	}
	return out
}

// compareExpected writes the decisions of the typed lines, and the JSON call's answers for the others,
// and compares them with the expected answers (compare_jsonl.py).
func compareExpected(t *testing.T, e *Engine, f issueFile, ds []Decision) {
	t.Helper()
	answers := make([][]byte, len(f.lines))
	for i, line := range f.lines {
		viaJSON, _ := e.RouteJSON(line, false)
		var d Decision
		if err := json.Unmarshal(viaJSON, &d); err != nil {
			t.Fatalf("%s: %v", viaJSON, err)
		}
		answers[i] = marshal(t, d)
	}
	for k, i := range f.at {
		answers[i] = marshal(t, ds[k])
	}
	compareWith(t, answers, f.expected)
}

func exampleBundles(t *testing.T) []string { return append(bundles(t), lianshi()) }

// Every example's issues through RouteMany: as Route one at a time, field by field (with and without
// RouteExplain), and as the expected answers; and a batch longer than one call of the library.
func TestRouteManyAnswersAsRoute(t *testing.T) {
	for _, b := range exampleBundles(t) {
		t.Run(filepath.Base(b), func(t *testing.T) {
			e, _ := loadExample(t, b)
			defer e.Close()
			for _, f := range issueFiles(t, b) {
				for _, opts := range [][]RouteOption{nil, {RouteExplain}} {
					got := routeMany(t, e, f.issues, opts...)
					expectSameDecisions(t, filepath.Base(f.expected), got, routeOneByOne(t, e, f.issues, opts...))
					if opts == nil {
						compareExpected(t, e, f, got)
					}
				}
			}
			issues := issueFiles(t, b)[0].issues
			one := routeOneByOne(t, e, issues)
			var long []Issue
			var want []Decision
			for len(long) <= 2*routeManyCall {
				long, want = append(long, issues...), append(want, one...)
			}
			expectSameDecisions(t, fmt.Sprintf("%d issues", len(long)), routeMany(t, e, long), want)
		})
	}
}

// numbered gives every issue with a cell id the number FindCells gives for it; without its id when
// dropIDs and the id has a number (an id the bundle has no unit of keeps its id, which the rejection
// names).
func numbered(t *testing.T, e *Engine, issues []Issue, dropIDs bool) ([]Issue, uint64) {
	t.Helper()
	ids := make([]string, len(issues))
	for i, is := range issues {
		ids[i] = is.Cell
	}
	numbers, generation, err := e.FindCells(ids)
	if err != nil || len(numbers) != len(ids) || generation == 0 {
		t.Fatalf("FindCells: %d numbers, generation %d, %v", len(numbers), generation, err)
	}
	out := append([]Issue(nil), issues...)
	for i := range out {
		if out[i].Cell == "" {
			continue
		}
		out[i].CellNumber, out[i].CellGeneration = numbers[i], generation
		if dropIDs && numbers[i] != NoCell {
			out[i].Cell = ""
		}
	}
	return out, generation
}

// Cells by number: with or without their ids, every example's issues answer as by id, through RouteMany
// and through Route; a batch all by number (the library's fastest path) too.
func TestRouteManyByCellNumber(t *testing.T) {
	for _, b := range exampleBundles(t) {
		t.Run(filepath.Base(b), func(t *testing.T) {
			e, _ := loadExample(t, b)
			defer e.Close()
			for _, f := range issueFiles(t, b) {
				byID := routeMany(t, e, f.issues)
				for _, dropIDs := range []bool{false, true} {
					issues, _ := numbered(t, e, f.issues, dropIDs)
					what := fmt.Sprintf("%s by number (without ids: %v)", filepath.Base(f.expected), dropIDs)
					got := routeMany(t, e, issues)
					expectSameDecisions(t, what, got, byID)
					expectSameDecisions(t, what+", Route", routeOneByOne(t, e, issues), byID)
					if dropIDs {
						compareExpected(t, e, f, got)
					}

					var all []Issue
					var want []Decision
					for i, is := range issues {
						if is.CellGeneration != 0 && is.CellNumber != NoCell {
							all, want = append(all, is), append(want, byID[i])
						}
					}
					if f.expected == filepath.Join(b, "expected-route.jsonl") && len(all) < len(issues)/2 {
						t.Errorf("%s: only %d of %d issues have a number", what, len(all), len(issues))
					}
					expectSameDecisions(t, what+", only those with a number", routeMany(t, e, all), want)
				}
			}
		})
	}
}

// FindCells: the number of a cell, NoCell for an id the bundle has no unit of, and the generation alone
// for no ids.
func TestFindCells(t *testing.T) {
	e, _ := loadExample(t, lanxi())
	defer e.Close()
	numbers, generation, err := e.FindCells([]string{"qiaodong-a-01", "no-such-cell", "", "qiaodong-a-01"})
	if err != nil || len(numbers) != 4 || numbers[0] < 0 || numbers[1] != NoCell || numbers[2] != NoCell ||
		numbers[3] != numbers[0] || generation == 0 {
		t.Fatalf("FindCells = %v, %d, %v", numbers, generation, err)
	}
	for _, ids := range [][]string{nil, {}} {
		if none, g, err := e.FindCells(ids); err != nil || len(none) != 0 || g != generation {
			t.Fatalf("FindCells(%#v) = %v, %d, %v; want the generation %d", ids, none, g, err, generation)
		}
	}
	if err := e.Reload(lanxi()); err != nil {
		t.Fatal(err)
	}
	if _, g, err := e.FindCells(nil); err != nil || g == generation || g == 0 {
		t.Fatalf("after Reload: generation %d (before: %d), %v", g, generation, err)
	}
}

// A reload between FindCells and RouteMany: the numbers are not read; issues with their cell ids route
// by them (in the new bundle, even another one), issues without are rejected in the library's words.
func TestRouteManyAfterReload(t *testing.T) {
	e, _ := loadExample(t, lanxi())
	defer e.Close()
	issues := issueFiles(t, lanxi())[0].issues
	byID := routeMany(t, e, issues)
	withIDs, generation := numbered(t, e, issues, false)
	withoutIDs, _ := numbered(t, e, issues, true)
	if err := e.Reload(lanxi()); err != nil {
		t.Fatal(err)
	}
	_, now, err := e.FindCells(nil)
	if err != nil || now == generation {
		t.Fatalf("generation %d after a reload, %d before (%v)", now, generation, err)
	}
	expectSameDecisions(t, "with their ids", routeMany(t, e, withIDs), byID)
	got := routeMany(t, e, withoutIDs)
	one := routeOneByOne(t, e, withoutIDs)
	expectSameDecisions(t, "without their ids, Route", one, got)
	rejected := 0
	for i, d := range got {
		if withoutIDs[i].Cell != "" { // no number: routed by its id
			if diff := decisionDiff(d, byID[i]); len(diff) > 0 {
				t.Errorf("%v: %v", d.ID, diff)
			}
			continue
		}
		rejected++
		if d.Status != Rejected || d.ID != issues[i].ID || d.Bundle != byID[i].Bundle ||
			!strings.Contains(d.Error, fmt.Sprintf("belongs to generation %d,", generation)) ||
			!strings.Contains(d.Error, fmt.Sprintf("but the engine serves generation %d (reloaded since", now)) {
			t.Errorf("%v: %+v", d.ID, d)
		}
	}
	if rejected < len(issues)/2 {
		t.Errorf("%d of %d issues went without their cell ids", rejected, len(issues))
	}

	// Another bundle: the numbers of the first are not read in it; the ids route as in it.
	other, _ := loadExample(t, lianshi())
	defer other.Close()
	if err := e.Reload(lianshi()); err != nil {
		t.Fatal(err)
	}
	expectSameDecisions(t, "in another bundle", routeMany(t, e, withIDs), routeMany(t, other, issues))
}

// Route keeps its C decisions in a pool between calls, and Escalate its actions. Goroutines routing and
// escalating one issue at a time, while the garbage collector empties the pools now and then, get each
// the answer RouteMany (which does not use the pool) gives, and the action one call gave before; after a
// reload to another bundle, the answers are that bundle's.
func TestRouteReusesItsDecisionsAcrossCallsAndReloads(t *testing.T) {
	e, _ := loadExample(t, lanxi())
	defer e.Close()
	issues := issueFiles(t, lanxi())[0].issues
	want := routeMany(t, e, issues)
	// Escalate keeps its actions the same way: each issue as a case at level 0, two days on.
	cases := make([]Case, len(issues))
	acts := make([]Action, len(issues))
	for i, is := range issues {
		cases[i] = Case{Issue: is, LevelStartedAt: is.At}
		acts[i], _ = e.Escalate(cases[i], is.At.Add(48*time.Hour))
	}
	if acts[0].Bundle == "" || acts[0].Bundle != want[0].Bundle {
		t.Fatalf("the first case escalated to %+v", acts[0])
	}
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for round := 0; round < 3; round++ {
				if g == 0 {
					runtime.GC() // the pool is emptied; its decisions' finalizers free them
				}
				for i, is := range issues {
					d, err := e.Route(is)
					if (err != nil) != (d.Status == Rejected) {
						t.Errorf("goroutine %d, %v: status %s with error %v", g, is.ID, d.Status, err)
					}
					if diff := decisionDiff(d, want[i]); len(diff) > 0 {
						t.Errorf("goroutine %d, round %d, %v: %v", g, round, is.ID, diff)
					}
					if a, _ := e.Escalate(cases[i], is.At.Add(48*time.Hour)); !reflect.DeepEqual(a, acts[i]) {
						t.Errorf("goroutine %d, round %d, %v: escalated to %+v, before %+v", g, round, is.ID, a, acts[i])
					}
				}
			}
		}(g)
	}
	wg.Wait()
	other, _ := loadExample(t, lianshi())
	defer other.Close()
	if err := e.Reload(lianshi()); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	expectSameDecisions(t, "after a reload to another bundle", routeOneByOne(t, e, issues), routeMany(t, other, issues))
}

// Issues the binding cannot pack, and issues the library rejects, in the middle of a batch: each is
// rejected in place, the others answer as Route answers them.
func TestRouteManyRejectsBadIssuesInPlace(t *testing.T) {
	e, _ := loadExample(t, lanxi())
	defer e.Close()
	digest, err := e.Digest()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 9, 40, 0, 0, time.FixedZone("CST", 8*3600))
	good := func(id string, severity int) Issue {
		return Issue{ID: StringID(id), Category: "env.noise.loudspeaker", Cell: "qiaodong-a-01", At: at,
			Attrs: map[string]any{"severity": severity, "channel": "hotline"}}
	}
	many := map[string]any{}
	for i := 0; i < 40; i++ {
		many[fmt.Sprintf("a%02d", i)] = i
	}
	many["severity"] = 1
	batch := []Issue{
		good("G1", 3),
		{ID: StringID("P1"), Category: "env.noise.loudspeaker", Cell: "qiaodong-a-01", At: at,
			Attrs: map[string]any{"severity": 1, "channel": "wechat", "x": struct{}{}}}, // cannot be packed
		good("G2", 1),
		{ID: IntID(7), Category: "env.noise.loudspeaker", Cell: "qiaodong-a-01", At: at,
			Attrs: map[string]any{"severity": json.Number("three")}}, // cannot be packed
		good("G3", 3),
		{ID: StringID("R1"), Category: "env.noise.loudspeaker", Cell: "nowhere", At: at},
		{ID: StringID("R2"), Category: "env.noise.loudspeaker", Cell: "qiaodong-a-01"},
		{ID: StringID("R3"), Category: "x", Cell: "y\xc3", At: at},
		{ID: StringID("R4"), Category: "env.noise.loudspeaker", Cell: "qiaodong-a-01", At: at,
			Attrs: map[string]any{"severity": "high"}},
		{Category: "env.noise.loudspeaker", Cell: "qiaodong-a-01", At: at},
		{ID: StringID("G4"), Category: "env.noise.loudspeaker", Cell: "qiaodong-a-01", At: at, Attrs: many},
		good("G5", 1),
	}
	got := routeMany(t, e, batch)
	if len(got) != len(batch) {
		t.Fatalf("%d decisions for %d issues", len(got), len(batch))
	}
	packed := 0
	for i, is := range batch {
		want, err := e.Route(is)
		var gerr *Error
		if errors.Is(err, ErrInvalidArgument) && errors.As(err, &gerr) { // refused before the library
			want = Decision{ID: is.ID, Status: Rejected, Error: gerr.Message, Bundle: digest}
		} else {
			packed++
		}
		if d := decisionDiff(got[i], want); len(d) > 0 {
			t.Errorf("issue %d (%v): %v", i, is.ID, d)
		}
		if want.Status == "" || want.Bundle != digest || (strings.HasPrefix(is.ID.String(), "G") != (want.Status == Routed)) {
			t.Errorf("issue %d (%v): %+v", i, is.ID, want)
		}
	}
	if packed != len(batch)-2 || got[1].Error != `attribute "x": unsupported type struct {}` {
		t.Errorf("%d issues packed; P1: %q", packed, got[1].Error)
	}
}

// A closed engine fails the call, with no decisions; an empty batch is no error.
func TestRouteManyEmptyAndClosed(t *testing.T) {
	e, _ := loadExample(t, lanxi())
	issues := issueFiles(t, lanxi())[0].issues
	for _, none := range [][]Issue{nil, {}} {
		if ds, err := e.RouteMany(none); err != nil || ds == nil || len(ds) != 0 {
			t.Fatalf("RouteMany(%#v) = %v, %v", none, ds, err)
		}
	}
	e.Close()
	for _, batch := range [][]Issue{issues, nil} {
		ds, err := e.RouteMany(batch)
		if !errors.Is(err, ErrInvalidArgument) || err.Error() != "gridroute: the engine is closed" || ds != nil {
			t.Errorf("RouteMany of %d issues after Close: %v, %v", len(batch), ds, err)
		}
	}
	for _, ids := range [][]string{{"qiaodong-a-01"}, nil} {
		numbers, generation, err := e.FindCells(ids)
		if !errors.Is(err, ErrInvalidArgument) || numbers != nil || generation != 0 {
			t.Errorf("FindCells(%v) after Close: %v, %d, %v", ids, numbers, generation, err)
		}
	}
}

// Goroutines route by number while the engine swaps between two bundles: every decision is the one its
// bundle gives by id, so a number is never read in a bundle that did not give it.
func TestRouteManyWhileReloading(t *testing.T) {
	e, _ := loadExample(t, lanxi())
	defer e.Close()
	issues := issueFiles(t, lanxi())[0].issues
	byBundle := map[string][]Decision{}
	for _, b := range []string{lanxi(), lianshi()} {
		x, _ := loadExample(t, b)
		ds := routeMany(t, x, issues)
		byBundle[ds[0].Bundle] = ds
		x.Close()
	}
	stop := make(chan struct{})
	var reloads sync.WaitGroup
	reloads.Add(1)
	go func() {
		defer reloads.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := e.Reload([]string{lianshi(), lanxi()}[i%2]); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 20; round++ {
				ids := make([]string, len(issues))
				for i, is := range issues {
					ids[i] = is.Cell
				}
				numbers, generation, err := e.FindCells(ids)
				if err != nil {
					t.Error(err)
					return
				}
				batch := append([]Issue(nil), issues...)
				for i := range batch {
					batch[i].CellNumber, batch[i].CellGeneration = numbers[i], generation
				}
				ds, err := e.RouteMany(batch)
				if err != nil {
					t.Error(err)
					return
				}
				want, ok := byBundle[ds[0].Bundle]
				if !ok {
					t.Errorf("bundle %s", ds[0].Bundle)
					return
				}
				for i := range ds {
					if d := decisionDiff(ds[i], want[i]); len(d) > 0 {
						t.Errorf("round %d, %v: %v", round, ds[i].ID, d)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	reloads.Wait()
}

// docs/go.md quotes example_test.go's ExampleEngine_RouteMany, which go test runs.
func TestDocsQuoteTheRouteManyExample(t *testing.T) {
	src := string(readFile(t, "example_test.go"))
	i := strings.Index(src, "func ExampleEngine_RouteMany() {")
	if i < 0 {
		t.Fatal("no func ExampleEngine_RouteMany in example_test.go")
	}
	end := strings.Index(src[i:], "\n}\n")
	page := string(readFile(t, filepath.Join(sourceDir(), "docs", "go.md")))
	if end < 0 || !strings.Contains(page, "```go\n"+src[i:i+end+3]+"```") {
		t.Fatal("docs/go.md does not quote func ExampleEngine_RouteMany of example_test.go as it is")
	}
}

// Benchmarks: Route one at a time and RouteMany, by cell id and by number. By default one issue of the
// example lanxi, 1,024 times; with GRIDROUTE_GO_BENCH_BUNDLE=DIR, the bundle DIR and the first 100,000
// issues of DIR/issues.jsonl that it routes (cells by id), in lists of 1,024 (docs/go.md):
//
//	GRIDROUTE_GO_BENCH_BUNDLE=/tmp/bench-M go test -run '^$' -bench 'Route(OneByOne|Many)' -benchtime 1000000x
func benchmarkRoute(b *testing.B, many, byNumber bool) {
	dir := os.Getenv("GRIDROUTE_GO_BENCH_BUNDLE")
	if dir == "" {
		dir = lanxi()
	}
	e, err := Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	var issues []Issue
	if dir == lanxi() {
		at := time.Date(2026, 11, 20, 9, 15, 0, 0, time.FixedZone("", 8*3600))
		for i := 0; i < 1024; i++ {
			issues = append(issues, Issue{ID: IntID(int64(i)), Category: "street.vending.gate", Cell: "qiaodong-a-01", At: at})
		}
	} else {
		issues = benchIssues(b, e, filepath.Join(dir, "issues.jsonl"), 100000)
	}
	if byNumber {
		ids := make([]string, len(issues))
		for i := range issues {
			ids[i] = issues[i].Cell
		}
		numbers, generation, err := e.FindCells(ids)
		if err != nil {
			b.Fatal(err)
		}
		for i := range issues {
			issues[i].Cell, issues[i].CellNumber, issues[i].CellGeneration = "", numbers[i], generation
		}
	}
	b.ResetTimer()
	for n, at := 0, 0; n < b.N; n += 1024 {
		list := issues[at : at+1024]
		if at += 1024; at+1024 > len(issues) {
			at = 0
		}
		if many {
			if _, err := e.RouteMany(list); err != nil {
				b.Fatal(err)
			}
			continue
		}
		for _, is := range list {
			if _, err := e.Route(is); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchIssues reads up to max issues of a JSON Lines file that the engine routes (cells by id, integer
// attributes as int64), at least 1,024 and a multiple of it.
func benchIssues(b *testing.B, e *Engine, path string, max int) []Issue {
	var issues []Issue
	for _, line := range strings.Split(string(readFile(b, path)), "\n") {
		if len(issues) == max {
			break
		}
		var in struct {
			ID       string                     `json:"id"`
			Category string                     `json:"category"`
			Cell     string                     `json:"cell"`
			At       time.Time                  `json:"at"`
			Attrs    map[string]json.RawMessage `json:"attrs"`
		}
		if json.Unmarshal([]byte(line), &in) != nil || in.Cell == "" {
			continue
		}
		is := Issue{ID: StringID(in.ID), Category: in.Category, Cell: in.Cell, At: in.At, Attrs: map[string]any{}}
		for k, raw := range in.Attrs {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				b.Fatal(err)
			}
			if f, ok := v.(float64); ok && f == float64(int64(f)) && !strings.ContainsAny(string(raw), ".eE") {
				v = int64(f)
			}
			is.Attrs[k] = v
		}
		if d, err := e.Route(is); err != nil || d.Status != Routed {
			continue
		}
		issues = append(issues, is)
	}
	if len(issues) < 1024 {
		b.Fatalf("%s: %d issues that route, fewer than 1,024", path, len(issues))
	}
	return issues[:len(issues)/1024*1024]
}

func BenchmarkRouteOneByOne(b *testing.B)         { benchmarkRoute(b, false, false) }
func BenchmarkRouteMany(b *testing.B)             { benchmarkRoute(b, true, false) }
func BenchmarkRouteManyByCellNumber(b *testing.B) { benchmarkRoute(b, true, true) }
