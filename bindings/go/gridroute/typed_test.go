package gridroute

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The typed API on the examples of contract 1.1 (the case lifecycle, SPEC §6): issues and cases as
// Issue and Case, answers as Decision and Action, marshalled and compared with the expected answers by
// the shared compare_jsonl.py. Environment as in gridroute_test.go, plus GRIDROUTE_COMPARE_JSONL and
// GRIDROUTE_SHARED_DIR (default: beside compare_jsonl.py, else ../shared of the repository).

func sharedDir() string {
	if d := os.Getenv("GRIDROUTE_SHARED_DIR"); d != "" {
		return d
	}
	if c := os.Getenv("GRIDROUTE_COMPARE_JSONL"); c != "" {
		return filepath.Dir(filepath.Dir(c))
	}
	return filepath.Join(sourceDir(), "..", "shared")
}

func compareScript() string {
	if c := os.Getenv("GRIDROUTE_COMPARE_JSONL"); c != "" {
		return c
	}
	return filepath.Join(sharedDir(), "tools", "compare_jsonl.py")
}

// loadExample loads an example bundle; the second result is the directory it was loaded from.
func loadExample(t *testing.T, dir string) (*Engine, string) {
	t.Helper()
	e, err := Load(dir)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return e, dir
}

func lianshi() string { return filepath.Join(sharedDir(), "examples-1.1", "lianshi") }

// compareWith runs compare_jsonl.py on the answers and the expected file.
func compareWith(t *testing.T, answers [][]byte, expected string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "answers.jsonl")
	if err := os.WriteFile(path, append(bytes.Join(answers, []byte("\n")), '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("python3", compareScript(), path, expected).CombinedOutput()
	if err != nil {
		t.Fatalf("compare_jsonl.py %s: %v\n%s", expected, err, out)
	}
}

// issueLine and caseLine are the lines as the typed API takes them; a line that does not decode into
// them (a mistyped field, an unknown key in a lifecycle entry...) goes through the JSON call instead.
type issueLine struct {
	ID       *ID            `json:"id"`
	Category *string        `json:"category"`
	Cell     *string        `json:"cell"`
	Location []float64      `json:"location"`
	At       *string        `json:"at"`
	Attrs    map[string]any `json:"attrs"`
}

type caseLine struct {
	issueLine
	Level          *int    `json:"level"`
	LevelStartedAt *string `json:"level_started_at"`
	Responded      *bool   `json:"responded"`
	Reports        *int64  `json:"reports"`
	Status         *string `json:"status"`
	Rating         *int    `json:"rating"`
	Rule           *string `json:"rule"`
	Handler        *string `json:"handler"`
	Returned       []struct {
		Handler *string `json:"handler"`
		At      *string `json:"at"`
		Reason  *string `json:"reason"`
	} `json:"returned"`
	Suspended []struct {
		From *string `json:"from"`
		To   *string `json:"to"`
	} `json:"suspended"`
	ExtendedTo *string `json:"extended_to"`
}

func strictDecode(line []byte, v any) bool {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	return dec.Decode(v) == nil && !dec.More()
}

func timeOf(s *string, t *time.Time) bool {
	if s == nil {
		return true
	}
	v, err := time.Parse(time.RFC3339Nano, *s)
	*t = v
	return err == nil
}

func (l issueLine) issue() (Issue, bool) {
	located := l.Cell == nil && len(l.Location) == 2
	if l.ID == nil || l.ID.IsZero() || l.Category == nil || (l.Cell == nil && !located) || l.At == nil {
		return Issue{}, false
	}
	is := Issue{ID: *l.ID, Category: *l.Category, Cell: deref(l.Cell), Attrs: l.Attrs}
	if located {
		is.Location = &Location{Lon: l.Location[0], Lat: l.Location[1]}
	}
	return is, timeOf(l.At, &is.At)
}

func typedIssue(line []byte) (Issue, bool) {
	var l issueLine
	if !strictDecode(line, &l) {
		return Issue{}, false
	}
	return l.issue()
}

func typedCase(line []byte) (Case, bool) {
	var l caseLine
	if !strictDecode(line, &l) || l.Level == nil || l.LevelStartedAt == nil || l.Responded == nil ||
		l.Reports == nil || l.Status == nil || (*l.Status != "open" && *l.Status != "resolved") ||
		(l.Rating != nil && *l.Rating == 0) {
		return Case{}, false
	}
	is, ok := l.issue()
	c := Case{Issue: is, Level: *l.Level, Responded: *l.Responded, Reports: *l.Reports,
		Resolved: *l.Status == "resolved", Rule: deref(l.Rule), Handler: deref(l.Handler)}
	ok = ok && timeOf(l.LevelStartedAt, &c.LevelStartedAt) && timeOf(l.ExtendedTo, &c.ExtendedTo)
	if l.Rating != nil {
		c.Rating = *l.Rating
	}
	for _, r := range l.Returned {
		ret := Return{Handler: deref(r.Handler), Reason: deref(r.Reason)}
		ok = ok && r.Handler != nil && r.At != nil && timeOf(r.At, &ret.At)
		c.Returned = append(c.Returned, ret)
	}
	for _, x := range l.Suspended {
		var s Suspension
		ok = ok && x.From != nil && timeOf(x.From, &s.From) && timeOf(x.To, &s.To)
		c.Suspended = append(c.Suspended, s)
	}
	return c, ok
}

// sameJSON reports whether two JSON texts have the same members in the same order with the same values
// (json.Marshal compacts what MarshalJSON writes, so the spacing differs from the engine's).
func sameJSON(a, b []byte) bool {
	tokens := func(text []byte) []any {
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.UseNumber()
		var out []any
		for {
			tok, err := dec.Token()
			if err != nil {
				return append(out, err.Error())
			}
			out = append(out, tok)
		}
	}
	return reflect.DeepEqual(tokens(a), tokens(b))
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// routeTyped routes every line of a file through the struct path where it is an Issue, else through the
// JSON call read back into a Decision; every answer is a Decision, marshalled. It also checks that the
// struct path answers byte for byte as the JSON call does.
func routeTyped(t *testing.T, e *Engine, file string) (answers [][]byte, typed int) {
	for _, line := range nonBlankLines(readFile(t, file)) {
		viaJSON, _ := e.RouteJSON(line, false)
		var d Decision
		if is, ok := typedIssue(line); ok {
			typed++
			var err error
			if d, err = e.Route(is); (err != nil) != (d.Status == Rejected) {
				t.Fatalf("%s: status %s with error %v", is.ID, d.Status, err)
			}
			if d.Status != Rejected && !sameJSON(marshal(t, d), viaJSON) {
				t.Errorf("the struct path writes\n%s\nthe JSON call\n%s", marshal(t, d), viaJSON)
			}
		} else if err := json.Unmarshal(viaJSON, &d); err != nil {
			t.Fatalf("%s: %v", viaJSON, err)
		}
		answers = append(answers, marshal(t, d))
	}
	return answers, typed
}

func escalateTyped(t *testing.T, e *Engine, file string, now time.Time) (answers [][]byte, typed int) {
	for _, line := range nonBlankLines(readFile(t, file)) {
		viaJSON, _ := e.EscalateJSON(line, now)
		var a Action
		if c, ok := typedCase(line); ok {
			typed++
			var err error
			if a, err = e.Escalate(c, now); (err != nil) != (a.Kind == Rejected) {
				t.Fatalf("%s: %s with error %v", c.Issue.ID, a.Kind, err)
			}
			if a.Kind != Rejected && !sameJSON(marshal(t, a), viaJSON) {
				t.Errorf("the struct path writes\n%s\nthe JSON call\n%s", marshal(t, a), viaJSON)
			}
		} else if err := json.Unmarshal(viaJSON, &a); err != nil {
			t.Fatalf("%s: %v", viaJSON, err)
		}
		answers = append(answers, marshal(t, a))
	}
	return answers, typed
}

// Every example (contract 1.0 and 1.1) through the typed API, against its expected answers.
func TestExamplesThroughTheTypedAPI(t *testing.T) {
	for _, b := range append(bundles(t), lianshi()) {
		t.Run(filepath.Base(b), func(t *testing.T) {
			e, _ := loadExample(t, b)
			defer e.Close()
			answers, typed := routeTyped(t, e, filepath.Join(b, "issues.jsonl"))
			if typed < len(answers)*3/4 {
				t.Errorf("only %d of %d issue lines became an Issue", typed, len(answers))
			}
			compareWith(t, answers, filepath.Join(b, "expected-route.jsonl"))
			answers, typed = escalateTyped(t, e, filepath.Join(b, "cases.jsonl"), nowOf(t, b))
			if typed < len(answers)*3/4 {
				t.Errorf("only %d of %d case lines became a Case", typed, len(answers))
			}
			compareWith(t, answers, filepath.Join(b, "expected-escalate.jsonl"))
		})
	}
}

// What the typed answers of the lifecycle example say, field by field.
func TestLianshiLifecycleFields(t *testing.T) {
	e, _ := loadExample(t, lianshi())
	defer e.Close()
	digest, err := e.Digest()
	if err != nil || !regexp.MustCompile(`^[0-9a-f]{16,}$`).MatchString(digest) {
		t.Fatalf("Digest() = %q, %v", digest, err)
	}
	byID := map[string][]byte{}
	for _, line := range nonBlankLines(readFile(t, filepath.Join(lianshi(), "issues.jsonl"))) {
		var l issueLine
		if json.Unmarshal(line, &l) == nil && l.ID != nil {
			byID[l.ID.String()] = line
		}
	}
	is, ok := typedIssue(byID["F01"])
	if !ok {
		t.Fatal("F01 is not an Issue")
	}
	d, err := e.Route(is)
	if err != nil || d.Status != Routed || !d.Fallback || d.Rule != "" || d.Handler != "center-zz" ||
		d.Bundle != digest || d.ID != StringID("F01") {
		t.Fatalf("F01: %+v, %v", d, err)
	}
	if got := string(marshal(t, d)); !strings.Contains(got, `"rule":null,"fallback":true`) ||
		!strings.HasSuffix(got, `,"bundle":"`+digest+`"}`) {
		t.Errorf("F01 as JSON: %s", got)
	}

	now := nowOf(t, lianshi())
	cases := map[string]Case{}
	for _, line := range nonBlankLines(readFile(t, filepath.Join(lianshi(), "cases.jsonl"))) {
		if c, ok := typedCase(line); ok {
			cases[c.Issue.ID.String()] = c
		}
	}
	act := func(id string) Action {
		t.Helper()
		c, ok := cases[id]
		if !ok {
			t.Fatalf("%s is not a Case", id)
		}
		a, err := e.Escalate(c, now)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if a.ID != c.Issue.ID || a.Bundle != digest {
			t.Fatalf("%s: id %v, bundle %q", id, a.ID, a.Bundle)
		}
		return a
	}
	if a := act("L16"); a.Kind != Redispatch || len(a.Reasons) != 1 || a.Reasons[0] != ReasonReturned ||
		a.Handler == "" || a.RespondBy.IsZero() || len(cases["L16"].Returned) == 0 {
		t.Errorf("L16: %+v", a)
	}
	if a := act("L25"); a.Kind != Dispute || a.Handler != "" || a.Role != "" ||
		!strings.Contains(string(marshal(t, a)), `"handler":null,"role":null`) {
		t.Errorf("L25: %+v", a)
	}
	if a := act("L32"); a.Kind != Suspended || !a.NextCheck.IsZero() ||
		!strings.Contains(string(marshal(t, a)), `"next_check":null`) {
		t.Errorf("L32 (open-ended): %+v", a)
	}
	if a := act("L33"); a.Kind != Suspended || a.NextCheck.IsZero() {
		t.Errorf("L33 (until tomorrow): %+v", a)
	}
	if a := act("L09"); !a.Repinned {
		t.Errorf("L09 (a removed rule): %+v", a)
	}
	if a := act("L63"); a.Kind != Escalate || !act("L62").Fallback {
		t.Errorf("L63, L62 (the fallback owner's cases): %+v", a)
	}
	if a := act("L58"); a.Kind != Reopen || len(a.Assist) == 0 {
		t.Errorf("L58 (reopen with assists): %+v", a)
	}
	a, err := e.Escalate(cases["L16"], now, EscalateExplain)
	if err != nil || !bytes.Contains(a.Trace, []byte(`"trace"`)) || !bytes.Contains(marshal(t, a), []byte(`"trace":[`)) {
		t.Errorf("L16 explained: %s, %v", a.Trace, err)
	}
}

// Integer ids (contract 1.1) are kept as integers through the struct path and written back as integers.
func TestIntegerIDs(t *testing.T) {
	e, err := Load(lanxi())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	at := time.Date(2026, 11, 20, 9, 15, 0, 0, time.FixedZone("", 8*3600))
	for _, id := range []ID{IntID(20261120001), IntID(-7), UintID(18446744073709551615)} {
		d, err := e.Route(Issue{ID: id, Category: "street.vending.gate", Cell: "qiaodong-a-01", At: at})
		if err != nil || d.ID != id || !d.ID.IsInteger() {
			t.Fatalf("%v: %+v, %v", id, d, err)
		}
		line := `{"id": ` + id.String() + `, "category": "street.vending.gate", "cell": "qiaodong-a-01", "at": "2026-11-20T09:15:00+08:00"}`
		viaJSON, err := e.RouteJSON([]byte(line), false)
		if err != nil || !sameJSON(marshal(t, d), viaJSON) {
			t.Errorf("%v: struct path %s, JSON call %s (%v)", id, marshal(t, d), viaJSON, err)
		}
		var back Decision
		if err := json.Unmarshal(viaJSON, &back); err != nil || back.ID != id {
			t.Errorf("%v read back as %v (%v)", id, back.ID, err)
		}
	}
	if n, ok := IntID(20261120001).Int64(); !ok || n != 20261120001 {
		t.Errorf("Int64() = %d, %v", n, ok)
	}
	if _, ok := StringID("17").Int64(); ok || StringID("17") == IntID(17) {
		t.Error("a string id is not an integer id")
	}
	for _, bad := range []string{`17.0`, `1e3`, `true`, `[1]`, `01`, `-`, `+5`} {
		var id ID
		if err := json.Unmarshal([]byte(bad), &id); err == nil {
			t.Errorf("%s read as the id %v", bad, id)
		}
	}
	// An integer id has no range (SPEC §4): past 64 bits it keeps its digits, through the struct path and
	// the JSON call alike.
	for _, digits := range []string{`18446744073709551616`, `-9223372036854775809`, `20261203000000000000000001`} {
		id, err := ParseIntID(digits)
		if err != nil || id.String() != digits || !id.IsInteger() {
			t.Fatalf("ParseIntID(%s) = %v, %v", digits, id, err)
		}
		if _, ok := id.Int64(); ok {
			t.Errorf("%s has an int64", digits)
		}
		var read ID
		if err := json.Unmarshal([]byte(digits), &read); err != nil || read != id {
			t.Errorf("%s read as %v (%v)", digits, read, err)
		}
		d, err := e.Route(Issue{ID: id, Category: "street.vending.gate", Cell: "qiaodong-a-01", At: at})
		if err != nil || d.ID != id {
			t.Fatalf("%v: %+v, %v", id, d, err)
		}
		line := `{"id": ` + digits + `, "category": "street.vending.gate", "cell": "qiaodong-a-01", "at": "2026-11-20T09:15:00+08:00"}`
		viaJSON, err := e.RouteJSON([]byte(line), false)
		if err != nil || !sameJSON(marshal(t, d), viaJSON) || !bytes.HasPrefix(viaJSON, []byte(`{"id": `+digits+`,`)) {
			t.Errorf("%v: struct path %s, JSON call %s (%v)", id, marshal(t, d), viaJSON, err)
		}
	}
	var none ID
	if b, _ := json.Marshal(none); string(b) != "null" {
		t.Errorf("no id marshals as %s", b)
	}
}

// Every answer of the JSON calls reads into a Decision or Action and marshals back to the same bytes.
func TestAnswersRoundTrip(t *testing.T) {
	for _, b := range append(bundles(t), lianshi()) {
		t.Run(filepath.Base(b), func(t *testing.T) {
			e, _ := loadExample(t, b)
			defer e.Close()
			out, err := e.RouteBatch(readFile(t, filepath.Join(b, "issues.jsonl")), true)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range nonBlankLines(out) {
				var d Decision
				if err := json.Unmarshal(line, &d); err != nil || !sameJSON(marshal(t, d), line) {
					t.Errorf("decision\n%s\nmarshals back as\n%s (%v)", line, marshal(t, d), err)
				}
			}
			out, err = e.EscalateBatch(readFile(t, filepath.Join(b, "cases.jsonl")), nowOf(t, b))
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range nonBlankLines(out) {
				var a Action
				if err := json.Unmarshal(line, &a); err != nil || !sameJSON(marshal(t, a), line) {
					t.Errorf("action\n%s\nmarshals back as\n%s (%v)", line, marshal(t, a), err)
				}
			}
		})
	}
}

// The digest is the bundle's: the same for the same files, another one for other files (SPEC §6.6).
func TestDigest(t *testing.T) {
	a, err := Load(lanxi())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Load(lanxi())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	da, _ := a.Digest()
	db, _ := b.Digest()
	if da == "" || da != db {
		t.Fatalf("two loads of one bundle: %q, %q", da, db)
	}
	l := lanxi()
	src := Sources{Jurisdiction: readFile(t, filepath.Join(l, "jurisdiction.json")),
		Rules: append(readFile(t, filepath.Join(l, "rules.json")), ' '),
		Files: map[string][]byte{"units.csv": readFile(t, filepath.Join(l, "units.csv")),
			"handlers.csv": readFile(t, filepath.Join(l, "handlers.csv"))}}
	if err := b.ReloadSources(src); err != nil {
		t.Fatal(err)
	}
	if db, _ = b.Digest(); db == da {
		t.Fatal("a byte more in rules.json leaves the digest as it was")
	}
	b.Close()
	if _, err := b.Digest(); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Digest after Close: %v", err)
	}
}

// The package's version is the C library's, and the build's (project(VERSION) in CMakeLists.txt).
func TestBindingVersion(t *testing.T) {
	m := regexp.MustCompile(`project\(gridroute VERSION ([0-9.]+)`).FindSubmatch(
		readFile(t, filepath.Join(sourceDir(), "CMakeLists.txt")))
	if m == nil {
		t.Fatal("no project(gridroute VERSION ...) in CMakeLists.txt")
	}
	if BindingVersion != string(m[1]) || Version() != BindingVersion {
		t.Fatalf("BindingVersion %s, library %s, CMakeLists.txt %s", BindingVersion, Version(), m[1])
	}
	if !strings.HasPrefix(BindingVersion, strconv.Itoa(BindingMajor)+"."+strconv.Itoa(BindingMinor)+".") {
		t.Fatalf("BindingVersion %s, BindingMajor.BindingMinor %d.%d", BindingVersion, BindingMajor, BindingMinor)
	}
}

// docs/go.md quotes example_test.go's Example, which go test runs: the page cannot drift from what runs.
func TestDocsQuoteTheExample(t *testing.T) {
	src := string(readFile(t, "example_test.go"))
	i := strings.Index(src, "func Example() {")
	if i < 0 {
		t.Fatal("no func Example in example_test.go")
	}
	page := string(readFile(t, filepath.Join(sourceDir(), "docs", "go.md")))
	if !strings.Contains(page, "```go\n"+src[i:]+"```") {
		t.Fatal("docs/go.md does not quote func Example of example_test.go as it is")
	}
}

// Benchmarks (go test -run '^$' -bench . ./gridroute/): the typed struct path and the JSON of its answers.
func BenchmarkRouteTyped(b *testing.B) {
	e, err := Load(lanxi())
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	at := time.Date(2026, 11, 20, 9, 15, 0, 0, time.FixedZone("", 8*3600))
	is := Issue{ID: IntID(20261120001), Category: "street.vending.gate", Cell: "qiaodong-a-01", At: at}
	for i := 0; i < b.N; i++ {
		if _, err := e.Route(is); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEscalateLifecycle(b *testing.B) {
	e, err := Load(lanxi())
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	at := time.Date(2026, 11, 24, 9, 20, 0, 0, time.FixedZone("", 8*3600))
	c := Case{Issue: Issue{ID: StringID("C-1"), Category: "env.noise.loudspeaker", Cell: "qiaodong-a-01", At: at},
		LevelStartedAt: at, Rule: "loudspeaker",
		Returned:  []Return{{Handler: "squad-1", At: at.Add(time.Hour), Reason: "not ours"}},
		Suspended: []Suspension{{From: at.Add(10 * time.Minute), To: at.Add(2 * time.Hour)}}}
	now := at.Add(25 * time.Hour)
	for i := 0; i < b.N; i++ {
		if a, err := e.Escalate(c, now); err != nil || a.Kind != Redispatch {
			b.Fatal(a.Kind, err)
		}
	}
}

func BenchmarkMarshalDecision(b *testing.B) {
	e, err := Load(lanxi())
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	at := time.Date(2026, 11, 20, 9, 15, 0, 0, time.FixedZone("", 8*3600))
	d, err := e.Route(Issue{ID: StringID("I-1"), Category: "street.vending.gate", Cell: "qiaodong-a-01", At: at})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if _, err := json.Marshal(d); err != nil {
			b.Fatal(err)
		}
	}
}

// A case given by its location carries the cell found on the struct path, as `gridroute escalate` writes
// it; the same case given by its cell carries none.
func TestALocatedCaseCarriesTheCellFound(t *testing.T) {
	e, _ := loadExample(t, lianshi())
	defer e.Close()
	at := time.Date(2026, 12, 3, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	now := time.Date(2026, 12, 9, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	c := Case{Issue: Issue{ID: StringID("G"), Category: "nuisance.dog.stairwell", At: at,
		Location: &Location{Lon: 120.4326171875, Lat: 30.7109375}, Attrs: map[string]any{"private_property": true}},
		LevelStartedAt: at}
	a, err := e.Escalate(c, now)
	if err != nil {
		t.Fatal(err)
	}
	if a.Cell != "xinhua-a-01" {
		t.Errorf("Cell = %q, want xinhua-a-01", a.Cell)
	}
	line := []byte(`{"id": "G", "category": "nuisance.dog.stairwell", "location": [120.4326171875, 30.7109375], ` +
		`"at": "2026-12-03T09:30:00+08:00", "attrs": {"private_property": true}, "level": 0, ` +
		`"level_started_at": "2026-12-03T09:30:00+08:00", "responded": false, "reports": 0, "status": "open"}`)
	viaJSON, err := e.EscalateJSON(line, now)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(marshal(t, a), viaJSON) {
		t.Errorf("the struct path writes\n%s\nthe JSON call\n%s", marshal(t, a), viaJSON)
	}
	var back Action
	if err := json.Unmarshal(viaJSON, &back); err != nil || back.Cell != "xinhua-a-01" {
		t.Errorf("read back: Cell %q, %v", back.Cell, err)
	}
	c.Issue.Location, c.Issue.Cell = nil, "xinhua-a-01"
	if a, err = e.Escalate(c, now); err != nil || a.Cell != "" {
		t.Errorf("by its cell: Cell %q, %v", a.Cell, err)
	}
}
