// Command routetyped routes every line of an issues.jsonl through the Go binding's struct path
// (gridroute.Issue in, gridroute.Decision out) and prints one decision per line with the contract fields
// (SPEC §4), so the binding can be compared with `gridroute route` on any bundle.
//
//	go run ./examples/routetyped BUNDLE ISSUES.jsonl
//
// A line that cannot become an Issue (not UTF-8, not JSON, not an object, a repeated key, a missing or
// mistyped field) is answered as the CLI answers it: {"id", "status": "rejected", "error"}, the id null
// unless the line is a JSON object with a string id.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gridroute/gridroute/bindings/go/gridroute"
)

// bad is a line the struct path cannot take; id is nil unless the line's id could be read.
type bad struct {
	id  *string
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

// parseTime reads an RFC 3339 time with an offset; like the engine it takes a space or a 't' between
// date and time and a 'z' for UTC.
func parseTime(s string) (time.Time, error) {
	if len(s) > 10 && (s[10] == ' ' || s[10] == 't') {
		s = s[:10] + "T" + s[11:]
	}
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	return time.Parse(time.RFC3339Nano, s)
}

func readIssue(line []byte) (gridroute.Issue, error) {
	var is gridroute.Issue
	if !utf8.Valid(line) {
		return is, &bad{msg: "invalid UTF-8 in the line"}
	}
	repeated, idRepeated, err := checkSyntax(line)
	if err == errNotObject {
		return is, &bad{msg: err.Error()}
	}
	if err != nil || loneSurrogate(line) {
		return is, &bad{msg: fmt.Sprintf("invalid JSON: %v", err)}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return is, &bad{msg: fmt.Sprintf("invalid JSON: %v", err)}
	}
	var id *string
	if raw, ok := obj["id"]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil && raw[0] == '"' {
			id = &s
		}
	}
	if repeated != "" {
		if idRepeated {
			id = nil
		}
		return is, &bad{id: id, msg: "duplicate key at " + repeated + " (a key may appear once in an object)"}
	}
	if _, ok := obj["id"]; !ok {
		return is, &bad{msg: "missing field 'id'"}
	}
	if id == nil {
		return is, &bad{msg: "field 'id' must be a string, got " + string(obj["id"])}
	}
	str := func(name string) (string, error) {
		raw, ok := obj[name]
		if !ok {
			return "", &bad{id: id, msg: "missing field '" + name + "'"}
		}
		var s string
		if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			return "", &bad{id: id, msg: "field '" + name + "' must be a string, got " + string(raw)}
		}
		return s, nil
	}
	is.ID = *id
	if is.Category, err = str("category"); err != nil {
		return is, err
	}
	if is.Cell, err = str("cell"); err != nil {
		return is, err
	}
	at, err := str("at")
	if err != nil {
		return is, err
	}
	if is.At, err = parseTime(at); err != nil {
		return is, &bad{id: id, msg: "field 'at' must be an RFC 3339 time with an offset, got " + strconv.Quote(at)}
	}
	if raw, ok := obj["attrs"]; ok && string(raw) != "null" {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var attrs any
		if err := dec.Decode(&attrs); err != nil {
			return is, &bad{id: id, msg: err.Error()}
		}
		m, ok := attrs.(map[string]any)
		if !ok {
			return is, &bad{id: id, msg: "field 'attrs' must be an object, got " + string(raw)}
		}
		is.Attrs = m
	}
	return is, nil
}

// The answers, with their fields in the contract's order (encoding/json keeps struct order).
type rejected struct {
	ID     *string `json:"id"`
	Status string  `json:"status"`
	Error  string  `json:"error"`
}

type unrouted struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

type routed struct {
	ID         string   `json:"id"`
	Status     string   `json:"status"`
	Rule       *string  `json:"rule"`
	Role       string   `json:"role"`
	Department string   `json:"department,omitempty"`
	Handler    string   `json:"handler"`
	Unit       string   `json:"unit"`
	Alternates []string `json:"alternates"`
	Assist     []string `json:"assist"`
	Level      int      `json:"level"`
	Escalation *string  `json:"escalation"`
	RespondBy  *string  `json:"respond_by"`
	ResolveBy  *string  `json:"resolve_by"`
	Fallback   bool     `json:"fallback,omitempty"`
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timeText(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.RFC3339Nano)
	return &s
}

func answer(engine *gridroute.Engine, line []byte) any {
	is, err := readIssue(line)
	if err != nil {
		b := err.(*bad)
		return rejected{ID: b.id, Status: "rejected", Error: b.msg}
	}
	d, err := engine.Route(is)
	if err != nil || d.Status == gridroute.Rejected {
		msg := d.Error
		if msg == "" && err != nil {
			msg = err.Error()
		}
		return rejected{ID: &is.ID, Status: "rejected", Error: msg}
	}
	if d.Status == gridroute.Unrouted {
		return unrouted{ID: is.ID, Status: d.Status, Reason: d.Reason}
	}
	return routed{ID: is.ID, Status: d.Status, Rule: orNull(d.Rule), Role: d.Role, Department: d.Department,
		Handler: d.Handler, Unit: d.Unit, Alternates: d.Alternates, Assist: d.Assist, Level: d.Level,
		Escalation: orNull(d.Escalation), RespondBy: timeText(d.RespondBy), ResolveBy: timeText(d.ResolveBy),
		Fallback: d.Rule == ""} // SPEC §6.4: routed without a rule
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: routetyped BUNDLE ISSUES.jsonl")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	engine, err := gridroute.Load(os.Args[1])
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
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if i == 0 {
			line = bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
		}
		if len(bytes.Trim(line, " \t")) == 0 {
			continue
		}
		if err := enc.Encode(answer(engine, line)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
}
