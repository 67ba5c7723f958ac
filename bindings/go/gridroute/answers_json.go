package gridroute

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Decisions and actions as JSON: MarshalJSON writes the object `gridroute route` / `gridroute escalate`
// write (SPEC §4, §6), field for field and in their order; UnmarshalJSON reads such an object (from the
// JSON calls, the CLI or a platform) into the typed value. Absent times are null where the CLI writes
// null and left out where it leaves them out.

// timeLayout is RFC 3339 as the engine writes times: the fraction only when there is one, the offset
// always as ±hh:mm.
const timeLayout = "2006-01-02T15:04:05.999999-07:00"

func jsonString(s string) []byte {
	plain := true // printable ASCII without '"' or '\\' (ids, times) needs no escaping
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\'
	}
	if plain {
		out := make([]byte, 0, len(s)+2)
		return append(append(append(out, '"'), s...), '"')
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// object writes `"key": value` members in order, as the engine does.
type object struct{ b bytes.Buffer }

func (o *object) key(k string) {
	if o.b.Len() == 0 {
		o.b.WriteByte('{')
	} else {
		o.b.WriteString(", ")
	}
	o.b.Write(jsonString(k))
	o.b.WriteString(": ")
}

func (o *object) raw(k string, v []byte) {
	o.key(k)
	o.b.Write(v)
}

func (o *object) str(k, v string) { o.raw(k, jsonString(v)) }

// strOrNull writes "" as null.
func (o *object) strOrNull(k, v string) {
	if v == "" {
		o.raw(k, []byte("null"))
		return
	}
	o.str(k, v)
}

func (o *object) list(k string, v []string) {
	o.key(k)
	o.b.WriteByte('[')
	for i, s := range v {
		if i > 0 {
			o.b.WriteString(", ")
		}
		o.b.Write(jsonString(s))
	}
	o.b.WriteByte(']')
}

func (o *object) int(k string, v int) { o.raw(k, []byte(strconv.Itoa(v))) }

// time writes the zero time as null.
func (o *object) time(k string, t time.Time) {
	if t.IsZero() {
		o.raw(k, []byte("null"))
		return
	}
	o.str(k, formatTime(t))
}

// formatTime writes t as the engine does. An offset with seconds (a local mean time before standard
// zones: Shanghai's +08:05:43 before 1901) is written in whole minutes, cut toward zero, and the clock in
// that offset, so that the text names the same instant (RFC 3339 has no seconds in an offset).
func formatTime(t time.Time) string {
	if name, off := t.Zone(); off%60 != 0 {
		t = t.In(time.FixedZone(name, off-off%60))
	}
	return t.Format(timeLayout)
}

// trace writes the "trace" member of an explained answer (held whole in Trace).
func (o *object) trace(whole json.RawMessage) error {
	if len(whole) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(whole, &m); err != nil {
		return fmt.Errorf("gridroute: the trace is not a JSON object: %w", err)
	}
	if t, ok := m["trace"]; ok {
		o.raw("trace", t)
	}
	return nil
}

func (o *object) end(bundle string) []byte {
	if bundle != "" {
		o.str("bundle", bundle)
	}
	o.b.WriteByte('}')
	return o.b.Bytes()
}

// MarshalJSON writes the decision as `gridroute route` does.
func (d Decision) MarshalJSON() ([]byte, error) {
	var o object
	id, _ := d.ID.MarshalJSON()
	o.raw("id", id)
	o.str("status", d.Status)
	if d.Cell != "" {
		o.str("cell", d.Cell)
	}
	switch d.Status {
	case Rejected:
		o.str("error", d.Error)
	case Unrouted:
		o.str("reason", d.Reason)
	default:
		if d.Fallback {
			o.raw("rule", []byte("null"))
			o.raw("fallback", []byte("true"))
		} else {
			o.str("rule", d.Rule)
		}
		o.str("role", d.Role)
		if d.Department != "" {
			o.str("department", d.Department)
		}
		o.str("handler", d.Handler)
		o.str("unit", d.Unit)
		o.list("alternates", d.Alternates)
		o.list("assist", d.Assist)
		o.int("level", d.Level)
		o.strOrNull("escalation", d.Escalation)
		o.time("respond_by", d.RespondBy)
		o.time("resolve_by", d.ResolveBy)
	}
	if d.Status != Rejected {
		if err := o.trace(d.Trace); err != nil {
			return nil, err
		}
	}
	return o.end(d.Bundle), nil
}

// decisionJSON is a decision object as read.
type decisionJSON struct {
	ID         ID              `json:"id"`
	Status     string          `json:"status"`
	Cell       *string         `json:"cell"`
	Rule       *string         `json:"rule"`
	Fallback   *bool           `json:"fallback"`
	Role       *string         `json:"role"`
	Department *string         `json:"department"`
	Handler    *string         `json:"handler"`
	Unit       *string         `json:"unit"`
	Alternates []string        `json:"alternates"`
	Assist     []string        `json:"assist"`
	Level      int             `json:"level"`
	Escalation *string         `json:"escalation"`
	RespondBy  *string         `json:"respond_by"`
	ResolveBy  *string         `json:"resolve_by"`
	Reason     *string         `json:"reason"`
	Error      *string         `json:"error"`
	Trace      json.RawMessage `json:"trace"`
	Bundle     *string         `json:"bundle"`
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func parseTime(field string, s *string) (time.Time, error) {
	if s == nil {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return time.Time{}, fmt.Errorf("gridroute: field '%s': %w", field, err)
	}
	return t, nil
}

// UnmarshalJSON reads a decision object as `gridroute route` writes it. Times keep the offset written;
// with a "trace", Trace holds the whole object, as Route with RouteExplain fills it.
func (d *Decision) UnmarshalJSON(b []byte) error {
	var w decisionJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	out := Decision{ID: w.ID, Status: w.Status, Rule: deref(w.Rule), Role: deref(w.Role),
		Department: deref(w.Department), Handler: deref(w.Handler), Unit: deref(w.Unit), Cell: deref(w.Cell),
		Alternates: w.Alternates, Assist: w.Assist, Level: w.Level, Escalation: deref(w.Escalation),
		Fallback: deref(w.Fallback), Reason: deref(w.Reason), Error: deref(w.Error), Bundle: deref(w.Bundle)}
	var err error
	if out.RespondBy, err = parseTime("respond_by", w.RespondBy); err != nil {
		return err
	}
	if out.ResolveBy, err = parseTime("resolve_by", w.ResolveBy); err != nil {
		return err
	}
	if w.Status == Routed {
		out.Alternates, out.Assist = orEmpty(out.Alternates), orEmpty(out.Assist)
	}
	if len(w.Trace) > 0 {
		out.Trace = append(json.RawMessage(nil), bytes.TrimSpace(b)...)
	}
	*d = out
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Moves reports whether the action gives the case a new owner (escalate, reopen, redispatch): such an
// action carries the case's rule, the level's assists and new deadlines.
func (a Action) Moves() bool {
	return a.Kind == Escalate || a.Kind == Reopen || a.Kind == Redispatch
}

// MarshalJSON writes the action as `gridroute escalate` does.
func (a Action) MarshalJSON() ([]byte, error) {
	var o object
	id, _ := a.ID.MarshalJSON()
	o.raw("id", id)
	o.str("action", a.Kind)
	if a.Kind == Rejected {
		o.str("error", a.Error)
		return o.end(a.Bundle), nil
	}
	if a.Cell != "" {
		o.str("cell", a.Cell)
	}
	o.int("level", a.Level)
	if a.Kind == Dispute {
		o.raw("handler", []byte("null"))
		o.raw("role", []byte("null"))
		o.raw("unit", []byte("null"))
	} else {
		o.str("handler", a.Handler)
		o.str("role", a.Role)
		if a.Department != "" {
			o.str("department", a.Department)
		}
		o.str("unit", a.Unit)
	}
	if a.Moves() || a.Repinned { // a re-pinning answer names the rule whatever its action
		o.strOrNull("rule", a.Rule)
	}
	if a.Moves() {
		o.list("assist", a.Assist)
	}
	o.list("reasons", a.Reasons)
	if a.Kind == Hold || a.Kind == Suspended {
		o.time("next_check", a.NextCheck)
	} else if a.Moves() {
		o.time("respond_by", a.RespondBy)
		o.time("resolve_by", a.ResolveBy)
	}
	if a.Repinned {
		o.raw("repinned", []byte("true"))
	}
	if err := o.trace(a.Trace); err != nil {
		return nil, err
	}
	return o.end(a.Bundle), nil
}

// actionJSON is an action object as read.
type actionJSON struct {
	ID         ID              `json:"id"`
	Action     string          `json:"action"`
	Cell       *string         `json:"cell"`
	Error      *string         `json:"error"`
	Level      int             `json:"level"`
	Role       *string         `json:"role"`
	Department *string         `json:"department"`
	Handler    *string         `json:"handler"`
	Unit       *string         `json:"unit"`
	Rule       *string         `json:"rule"`
	Assist     []string        `json:"assist"`
	Reasons    []string        `json:"reasons"`
	NextCheck  *string         `json:"next_check"`
	RespondBy  *string         `json:"respond_by"`
	ResolveBy  *string         `json:"resolve_by"`
	Repinned   *bool           `json:"repinned"`
	Trace      json.RawMessage `json:"trace"`
	Bundle     *string         `json:"bundle"`
}

// UnmarshalJSON reads an action object as `gridroute escalate` writes it (see Decision.UnmarshalJSON).
// The JSON form has no `escalation` and no `fallback`: they stay empty.
func (a *Action) UnmarshalJSON(b []byte) error {
	var w actionJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	out := Action{ID: w.ID, Kind: w.Action, Level: w.Level, Handler: deref(w.Handler), Role: deref(w.Role),
		Department: deref(w.Department), Unit: deref(w.Unit), Rule: deref(w.Rule), Assist: orEmpty(w.Assist),
		Reasons: w.Reasons, Repinned: deref(w.Repinned), Error: deref(w.Error), Bundle: deref(w.Bundle),
		Cell: deref(w.Cell)}
	if w.Action != Rejected {
		out.Reasons = orEmpty(out.Reasons)
	}
	var err error
	if out.NextCheck, err = parseTime("next_check", w.NextCheck); err != nil {
		return err
	}
	if out.RespondBy, err = parseTime("respond_by", w.RespondBy); err != nil {
		return err
	}
	if out.ResolveBy, err = parseTime("resolve_by", w.ResolveBy); err != nil {
		return err
	}
	if len(w.Trace) > 0 {
		out.Trace = append(json.RawMessage(nil), bytes.TrimSpace(b)...)
	}
	*a = out
	return nil
}
