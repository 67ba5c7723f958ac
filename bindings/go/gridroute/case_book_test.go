package gridroute

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// A book of each example's cases sweeps as EscalateBatch, at the example's now and a day later; Replace
// and Remove change what the next sweep says.
func TestCaseBookSweepsAsEscalateBatch(t *testing.T) {
	for _, b := range append(bundles(t), lianshi()) {
		t.Run(filepath.Base(b), func(t *testing.T) {
			e, err := Load(b)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			cases := readFile(t, filepath.Join(b, "cases.jsonl"))
			book, err := e.NewCaseBook()
			if err != nil {
				t.Fatal(err)
			}
			defer book.Close()
			if first, err := book.Add(cases); err != nil || first != 0 {
				t.Fatalf("Add = %d, %v", first, err)
			}
			lines := nonBlankLines(cases)
			if book.Len() != len(lines) {
				t.Fatalf("Len() = %d, want %d", book.Len(), len(lines))
			}
			now := nowOf(t, b)
			for _, at := range []time.Time{now, now.Add(24 * time.Hour)} {
				got, err := book.SweepJSONL(at)
				if err != nil {
					t.Fatal(err)
				}
				want, err := e.EscalateBatch(cases, at)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("at %v the book answers\n%s\nEscalateBatch\n%s", at, got, want)
				}
			}
			if err := book.Replace(0, lines[len(lines)-1]); err != nil {
				t.Fatal(err)
			}
			actions, err := book.Sweep(now)
			if err != nil || len(actions) != len(lines) {
				t.Fatalf("Sweep = %d actions, %v", len(actions), err)
			}
			if actions[0].ID != actions[len(actions)-1].ID || actions[0].Kind != actions[len(actions)-1].Kind {
				t.Errorf("slot 0 after Replace: %+v, want %+v", actions[0], actions[len(actions)-1])
			}
			if err := book.Remove(0); err != nil || book.Len() != len(lines)-1 {
				t.Fatalf("Remove(0): %v, Len() = %d", err, book.Len())
			}
			if err := book.Remove(len(lines)); !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("Remove past the end: %v", err)
			}
		})
	}
}
