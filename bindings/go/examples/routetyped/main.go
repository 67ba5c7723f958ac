// Command routetyped routes every line of an issues.jsonl through the Go binding's struct path
// (gridroute.Issue in, gridroute.Decision out) and prints one decision per line as json.Marshal writes
// it (the contract fields of SPEC §4), so the binding can be compared with `gridroute route` on any
// bundle. With --now it evaluates every line of a cases.jsonl at that time instead (gridroute.Case, with
// the lifecycle of SPEC §6, in; gridroute.Action out), to be compared with `gridroute escalate`.
//
//	go run ./examples/routetyped BUNDLE ISSUES.jsonl
//	go run ./examples/routetyped BUNDLE ISSUES.jsonl --batch
//	go run ./examples/routetyped BUNDLE CASES.jsonl --now 2026-12-07T10:00:00+08:00
//
// With --batch the issues are routed together, by Engine.RouteMany, rather than one Engine.Route a line;
// the answers are the same.
//
// A line that cannot become an Issue or a Case (not UTF-8, not JSON, not an object, a repeated key, a
// missing or mistyped field) is answered as the CLI answers it: {"id", "status": "rejected", "error"}
// (or "action": "rejected"), the id null unless the line is a JSON object with a string or integer id.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gridroute/gridroute/bindings/go/gridroute"
)

// bad is a line the struct path cannot take; id is the zero ID unless the line's id could be read.
type bad struct {
	id  gridroute.ID
	msg string
}

func (b *bad) Error() string { return b.msg }

// checkSyntax walks the line's tokens: a syntax error, trailing data or a non-object is an error; a key
// repeated in one object is reported as the JSON pointer of the first, with whether it is the top-level id.
func checkSyntax(line []byte) (repeated string, idRepeated bool, err error) {
	type frame struct {
		object    bool
		keys      map[string]bool
		expectKey bool
		child     string // the pointer step of the value being read: "/key" or "/index"
		index     int
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var stack []*frame
	rootObject := false
	escape := strings.NewReplacer("~", "~0", "/", "~1")
	for first := true; ; first = false {
		tok, e := dec.Token()
		if e == io.EOF {
			break
		}
		if e != nil {
			return "", false, e
		}
		if first {
			rootObject = tok == json.Delim('{')
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expectKey {
			if tok == json.Delim('}') { // an empty object
				stack = stack[:len(stack)-1]
			} else {
				key := tok.(string)
				if top.keys[key] && repeated == "" {
					var b strings.Builder
					for _, f := range stack[:len(stack)-1] {
						b.WriteString(f.child)
					}
					repeated = b.String() + "/" + escape.Replace(key)
					idRepeated = len(stack) == 1 && key == "id"
				}
				top.keys[key] = true
				top.expectKey = false
				top.child = "/" + escape.Replace(key)
				continue
			}
		} else if tok == json.Delim('}') || tok == json.Delim(']') {
			stack = stack[:len(stack)-1]
		} else {
			if top != nil && !top.object {
				top.child = "/" + strconv.Itoa(top.index)
				top.index++
			}
			if tok == json.Delim('{') {
				stack = append(stack, &frame{object: true, keys: map[string]bool{}, expectKey: true})
				continue
			}
			if tok == json.Delim('[') {
				stack = append(stack, &frame{})
				continue
			}
		}
		// a value is complete
		if len(stack) > 0 {
			if f := stack[len(stack)-1]; f.object {
				f.expectKey = true
			}
		} else if dec.More() {
			return "", false, errors.New("extra data after the value")
		}
	}
	if !rootObject {
		return "", false, errNotObject
	}
	return repeated, idRepeated, nil
}

var errNotObject = errors.New("a line must be a JSON object")

// loneSurrogate reports a \u escape of half a surrogate pair (Go's decoder would turn it into U+FFFD).
func loneSurrogate(line []byte) bool {
	hex := func(i int) (rune, bool) {
		if i+6 > len(line) || line[i] != '\\' || line[i+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(line[i+2:i+6]), 16, 16)
		return rune(v), err == nil
	}
	for i := 0; i < len(line); i++ {
		if line[i] != '\\' {
			continue
		}
		r, ok := hex(i)
		if !ok {
			i++ // an escape like \" or \\
			continue
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			lo, ok := hex(i + 6)
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		default:
			i += 5
		}
	}
	return false
}

// parseTime reads a time as the engine reads it (gridroute.ParseTime: Go's own RFC 3339 reader differs
// at the edges, taking an offset of +24:00 and refusing a leap second's :60). A time the engine refuses
// only for its range (a year past 9000) is still read, with Go's reader, so that the engine's answer
// names the range as the CLI's does.
func parseTime(s string) (time.Time, error) {
	if t, err := gridroute.ParseTime(s); err == nil {
		return t, nil
	}
	if len(s) > 10 && (s[10] == ' ' || s[10] == 't') {
		s = s[:10] + "T" + s[11:]
	}
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return t, err
	}
	if _, off := t.Zone(); off <= -24*3600 || off >= 24*3600 {
		return time.Time{}, fmt.Errorf("offset of %q out of range", s)
	}
	return t, nil
}

// readObject reads one line into its members, as the engine's reader takes it.
func readObject(line []byte) (map[string]json.RawMessage, error) {
	if !utf8.Valid(line) {
		return nil, &bad{msg: "invalid UTF-8 in the line"}
	}
	repeated, idRepeated, err := checkSyntax(line)
	if err == errNotObject {
		return nil, &bad{msg: err.Error()}
	}
	if err != nil || loneSurrogate(line) {
		return nil, &bad{msg: fmt.Sprintf("invalid JSON: %v", err)}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return nil, &bad{msg: fmt.Sprintf("invalid JSON: %v", err)}
	}
	if repeated != "" {
		var id gridroute.ID
		if !idRepeated {
			id = lineID(obj)
		}
		return nil, &bad{id: id, msg: "duplicate key at " + repeated + " (a key may appear once in an object)"}
	}
	return obj, nil
}

// lineID is the line's id as the engine reads it: a string or an integer of any length; else none.
func lineID(obj map[string]json.RawMessage) gridroute.ID {
	var id gridroute.ID
	if raw, ok := obj["id"]; ok && id.UnmarshalJSON(raw) == nil {
		return id
	}
	return gridroute.ID{}
}

// fields reads members with the error texts of the engine's reader; null counts as absent where the
// contract says so (optional fields).
type fields struct {
	obj map[string]json.RawMessage
	id  gridroute.ID
}

func (f fields) has(name string) bool {
	raw, ok := f.obj[name]
	return ok && string(raw) != "null"
}

func (f fields) str(name string) (string, error) {
	raw, ok := f.obj[name]
	if !ok {
		return "", &bad{id: f.id, msg: "missing field '" + name + "'"}
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", &bad{id: f.id, msg: "field '" + name + "' must be a string, got " + string(raw)}
	}
	return s, nil
}

// optStr is an optional string: "" when absent or null.
func (f fields) optStr(name string) (string, error) {
	if !f.has(name) {
		return "", nil
	}
	return f.str(name)
}

func (f fields) time(name string) (time.Time, error) {
	s, err := f.str(name)
	if err != nil {
		return time.Time{}, err
	}
	t, err := parseTime(s)
	if err != nil {
		return time.Time{}, &bad{id: f.id, msg: "field '" + name + "' must be an RFC 3339 time with an offset, got " + strconv.Quote(s)}
	}
	return t, nil
}

func (f fields) optTime(name string) (time.Time, error) {
	if !f.has(name) {
		return time.Time{}, nil
	}
	return f.time(name)
}

func (f fields) integer(name string, bits int) (int64, error) {
	raw, ok := f.obj[name]
	if !ok {
		return 0, &bad{id: f.id, msg: "missing field '" + name + "'"}
	}
	// A JSON integer, or, as the engine reads them, a number with an integral value (1.0) of at most 1e15.
	n, err := strconv.ParseInt(string(raw), 10, bits)
	if err != nil {
		d, ferr := strconv.ParseFloat(string(raw), 64)
		if ferr != nil || d != math.Trunc(d) || math.Abs(d) > 1e15 {
			return 0, &bad{id: f.id, msg: "field '" + name + "' must be an integer, got " + string(raw)}
		}
		n = int64(d)
		if bits == 32 && (n < math.MinInt32 || n > math.MaxInt32) {
			return 0, &bad{id: f.id, msg: "field '" + name + "' must be an integer, got " + string(raw)}
		}
	}
	return n, nil
}

// list is an optional list of objects with only the keys given.
func (f fields) list(name string, keys ...string) ([]fields, error) {
	if !f.has(name) {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(f.obj[name], &items); err != nil {
		return nil, &bad{id: f.id, msg: "field '" + name + "' must be a list, got " + string(f.obj[name])}
	}
	out := make([]fields, 0, len(items))
	for i, item := range items {
		var m map[string]json.RawMessage
		if item[0] != '{' || json.Unmarshal(item, &m) != nil {
			return nil, &bad{id: f.id, msg: fmt.Sprintf("field '%s/%d' must be an object, got %s", name, i, item)}
		}
		for k := range m {
			known := false
			for _, want := range keys {
				known = known || k == want
			}
			if !known {
				return nil, &bad{id: f.id, msg: fmt.Sprintf("field '%s/%d': unknown field '%s'", name, i, k)}
			}
		}
		out = append(out, fields{obj: m, id: f.id})
	}
	return out, nil
}

func readIssue(obj map[string]json.RawMessage) (gridroute.Issue, error) {
	var is gridroute.Issue
	raw, ok := obj["id"]
	if !ok {
		return is, &bad{msg: "missing field 'id'"}
	}
	is.ID = lineID(obj)
	if is.ID.IsZero() {
		return is, &bad{msg: "field 'id' must be a string or an integer, got " + string(raw)}
	}
	f := fields{obj: obj, id: is.ID}
	var err error
	if is.Category, err = f.str("category"); err != nil {
		return is, err
	}
	if !f.has("cell") && f.has("location") { // SPEC §7: a place instead of a cell
		var loc []float64
		if err := json.Unmarshal(obj["location"], &loc); err != nil || len(loc) != 2 {
			return is, &bad{id: is.ID, msg: "field 'location' must be [longitude, latitude], got " + string(obj["location"])}
		}
		is.Location = &gridroute.Location{Lon: loc[0], Lat: loc[1]}
	} else if is.Cell, err = f.str("cell"); err != nil {
		return is, err
	}
	if is.At, err = f.time("at"); err != nil {
		return is, err
	}
	if raw, ok := obj["attrs"]; ok && string(raw) != "null" {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var attrs any
		if err := dec.Decode(&attrs); err != nil {
			return is, &bad{id: is.ID, msg: err.Error()}
		}
		m, ok := attrs.(map[string]any)
		if !ok {
			return is, &bad{id: is.ID, msg: "field 'attrs' must be an object, got " + string(raw)}
		}
		is.Attrs = m
	}
	return is, nil
}

func readCase(obj map[string]json.RawMessage) (gridroute.Case, error) {
	var c gridroute.Case
	var err error
	if c.Issue, err = readIssue(obj); err != nil {
		return c, err
	}
	f := fields{obj: obj, id: c.Issue.ID}
	level, err := f.integer("level", 32)
	if err != nil {
		return c, err
	}
	c.Level = int(level)
	if c.LevelStartedAt, err = f.time("level_started_at"); err != nil {
		return c, err
	}
	raw, ok := obj["responded"]
	if !ok {
		return c, &bad{id: f.id, msg: "missing field 'responded'"}
	}
	if string(raw) != "true" && string(raw) != "false" {
		return c, &bad{id: f.id, msg: "field 'responded' must be true or false, got " + string(raw)}
	}
	c.Responded = string(raw) == "true"
	if c.Reports, err = f.integer("reports", 64); err != nil {
		return c, err
	}
	status, err := f.str("status")
	if err != nil {
		return c, err
	}
	if status != "open" && status != "resolved" {
		return c, &bad{id: f.id, msg: "field 'status' must be 'open' or 'resolved', got " + strconv.Quote(status)}
	}
	c.Resolved = status == "resolved"
	if f.has("rating") {
		rating, err := f.integer("rating", 32)
		if err != nil {
			return c, err
		}
		if rating == 0 { // the struct's 0 is "no rating": 0, like any rating outside 1..5, is refused here
			return c, &bad{id: f.id, msg: "field 'rating' must be an integer 1..5, got 0"}
		}
		c.Rating = int(rating)
	}
	if c.Rule, err = f.optStr("rule"); err != nil {
		return c, err
	}
	if c.Handler, err = f.optStr("handler"); err != nil {
		return c, err
	}
	returned, err := f.list("returned", "handler", "at", "reason")
	if err != nil {
		return c, err
	}
	for _, r := range returned {
		var ret gridroute.Return
		if ret.Handler, err = r.str("handler"); err != nil {
			return c, err
		}
		if ret.At, err = r.time("at"); err != nil {
			return c, err
		}
		if ret.Reason, err = r.optStr("reason"); err != nil {
			return c, err
		}
		c.Returned = append(c.Returned, ret)
	}
	suspended, err := f.list("suspended", "from", "to")
	if err != nil {
		return c, err
	}
	for _, x := range suspended {
		var s gridroute.Suspension
		if s.From, err = x.time("from"); err != nil {
			return c, err
		}
		if s.To, err = x.optTime("to"); err != nil {
			return c, err
		}
		c.Suspended = append(c.Suspended, s)
	}
	if c.ExtendedTo, err = f.optTime("extended_to"); err != nil {
		return c, err
	}
	return c, nil
}

// answer is the answer to one line: a Decision, or with now an Action; a line that is not an Issue
// (a Case) is answered with a rejected one, carrying the engine's bundle digest as every answer does.
func answer(engine *gridroute.Engine, digest string, line []byte, now *time.Time) any {
	if now == nil {
		is, refused := lineIssue(line, digest)
		if refused != nil {
			return *refused
		}
		d, err := engine.Route(is)
		if err != nil && d.Status != gridroute.Rejected { // e.g. a value the struct path cannot carry
			return gridroute.Decision{ID: is.ID, Status: gridroute.Rejected, Error: err.Error(), Bundle: digest}
		}
		return d
	}
	obj, err := readObject(line)
	var c gridroute.Case
	if err == nil {
		c, err = readCase(obj)
	}
	if err != nil {
		return gridroute.Action{ID: idOf(err), Kind: gridroute.Rejected, Error: err.Error(), Bundle: digest}
	}
	a, err := engine.Escalate(c, *now)
	if err != nil && a.Kind != gridroute.Rejected {
		return gridroute.Action{ID: c.Issue.ID, Kind: gridroute.Rejected, Error: err.Error(), Bundle: digest}
	}
	return a
}

// lineIssue is the Issue of a line, or the rejected Decision of a line that is not one.
func lineIssue(line []byte, digest string) (gridroute.Issue, *gridroute.Decision) {
	obj, err := readObject(line)
	var is gridroute.Issue
	if err == nil {
		is, err = readIssue(obj)
	}
	if err != nil {
		return is, &gridroute.Decision{ID: idOf(err), Status: gridroute.Rejected, Error: err.Error(), Bundle: digest}
	}
	return is, nil
}

// answerAll answers the lines with RouteMany: the lines that are an Issue are routed together.
func answerAll(engine *gridroute.Engine, digest string, lines [][]byte) ([]any, error) {
	answers := make([]any, len(lines))
	var issues []gridroute.Issue
	var at []int
	for i, line := range lines {
		is, refused := lineIssue(line, digest)
		if refused != nil {
			answers[i] = *refused
			continue
		}
		issues, at = append(issues, is), append(at, i)
	}
	decisions, err := engine.RouteMany(issues)
	if err != nil {
		return nil, err
	}
	for k, i := range at {
		answers[i] = decisions[k]
	}
	return answers, nil
}

func idOf(err error) gridroute.ID {
	if b, ok := err.(*bad); ok {
		return b.id
	}
	return gridroute.ID{}
}

func main() {
	var args []string
	batch := false
	for _, a := range os.Args[1:] {
		if a == "--batch" {
			batch = true
		} else {
			args = append(args, a)
		}
	}
	var now *time.Time
	if len(args) == 4 && args[2] == "--now" && !batch {
		t, err := parseTime(args[3])
		if err != nil {
			fmt.Fprintln(os.Stderr, "--now:", err)
			os.Exit(2)
		}
		now, args = &t, args[:2]
	}
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: routetyped BUNDLE ISSUES.jsonl [--batch] | BUNDLE CASES.jsonl --now TIME")
		os.Exit(2)
	}
	data, err := os.ReadFile(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	engine, err := gridroute.Load(args[0])
	if err != nil {
		var gerr *gridroute.Error
		if errors.As(err, &gerr) {
			for _, d := range gerr.Diagnostics {
				fmt.Fprintln(os.Stderr, d.Text)
			}
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer engine.Close()
	digest, err := engine.Digest()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var lines [][]byte
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if i == 0 {
			line = bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
		}
		if len(bytes.Trim(line, " \t")) > 0 {
			lines = append(lines, line)
		}
	}
	encode := func(a any) {
		if err := enc.Encode(a); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
	if batch {
		answers, err := answerAll(engine, digest, lines)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, a := range answers {
			encode(a)
		}
	} else {
		for _, line := range lines {
			encode(answer(engine, digest, line, now))
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
}
