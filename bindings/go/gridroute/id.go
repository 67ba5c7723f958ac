package gridroute

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// ID is the id of an issue or case as the platform sent it (SPEC §4): a string, or, since contract 1.1, a
// JSON integer such as an order number, written back as the integer it was. The zero ID is no id: the
// id of a line whose id could not be read, which JSON writes as null.
//
//	gridroute.Issue{ID: gridroute.StringID("I-1"), ...}
//	gridroute.Issue{ID: gridroute.IntID(20261120001), ...}
//
// IDs are comparable with ==.
type ID struct {
	text string // the string, or the integer's decimal digits
	kind idKind
}

type idKind uint8

const (
	idNone idKind = iota
	idString
	idInteger
)

// StringID is the id s.
func StringID(s string) ID { return ID{text: s, kind: idString} }

// IntID is the integer id n.
func IntID(n int64) ID { return ID{text: strconv.FormatInt(n, 10), kind: idInteger} }

// UintID is the integer id n (a platform's unsigned 64-bit number).
func UintID(n uint64) ID { return ID{text: strconv.FormatUint(n, 10), kind: idInteger} }

// ParseIntID is the integer id written as decimal digits (an optional '-' first), as JSON writes it. An
// integer id has no range (SPEC §4): one past 64 bits, such as an order number of 20 digits or more,
// keeps the digits as written (JSON's form: no '+', no leading zeros).
func ParseIntID(digits string) (ID, error) {
	if _, err := strconv.ParseInt(digits, 10, 64); err == nil {
		return ID{text: canonicalInt(digits), kind: idInteger}, nil
	}
	if _, err := strconv.ParseUint(digits, 10, 64); err == nil {
		return ID{text: canonicalInt(digits), kind: idInteger}, nil
	}
	if jsonInteger(digits) {
		return ID{text: digits, kind: idInteger}, nil
	}
	return ID{}, fmt.Errorf("gridroute: %q is not an integer id", digits)
}

// jsonInteger reports whether s is an integer as JSON writes one: an optional '-', then digits without
// a leading zero.
func jsonInteger(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// canonicalInt writes an integer that parsed as JSON writes it: no '+', no leading zeros, no "-0".
func canonicalInt(digits string) string {
	if n, err := strconv.ParseInt(digits, 10, 64); err == nil {
		return strconv.FormatInt(n, 10)
	}
	n, _ := strconv.ParseUint(digits, 10, 64)
	return strconv.FormatUint(n, 10)
}

// String is the id's text: the string, or the integer in decimal; "" for no id.
func (id ID) String() string { return id.text }

// IsInteger reports whether the id is an integer.
func (id ID) IsInteger() bool { return id.kind == idInteger }

// IsZero reports whether there is no id (JSON null).
func (id ID) IsZero() bool { return id.kind == idNone }

// Int64 is an integer id's value; false for a string id, no id, or an integer beyond int64.
func (id ID) Int64() (int64, bool) {
	if id.kind != idInteger {
		return 0, false
	}
	n, err := strconv.ParseInt(id.text, 10, 64)
	return n, err == nil
}

// MarshalJSON writes a string id as a JSON string, an integer id as a JSON integer, no id as null.
func (id ID) MarshalJSON() ([]byte, error) {
	switch id.kind {
	case idString:
		return jsonString(id.text), nil
	case idInteger:
		return []byte(id.text), nil
	}
	return []byte("null"), nil
}

var errBadID = errors.New("gridroute: an id must be a string, an integer or null")

// UnmarshalJSON reads a JSON string, a JSON integer of any length (no fraction, no exponent) or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errBadID
	case string(b) == "null":
		*id = ID{}
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = StringID(s)
		return nil
	}
	if bytes.ContainsAny(b, ".eE") {
		return errBadID
	}
	v, err := ParseIntID(string(b))
	if err != nil {
		return errBadID
	}
	*id = v
	return nil
}
