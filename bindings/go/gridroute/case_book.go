package gridroute

/*
#include <stdlib.h>
#include "gridroute.h"
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// CaseBook holds a scheduler's open cases between sweeps (docs/lifecycle.md). Each case line is checked
// and settled once, when it is added or replaced after an event; each sweep only compares now with the
// deadlines the book keeps, and answers exactly as EscalateBatch would for the same lines at the same
// now. A book answers with the bundle the engine had when it was made: after a Reload, make a new one.
// Sweeps may run in several goroutines at once; Add, Replace and Remove take the book for themselves.
type CaseBook struct {
	mu sync.RWMutex
	c  *C.gridroute_case_book
}

// NewCaseBook makes an empty book on the engine's current bundle. Close frees it.
func (e *Engine) NewCaseBook() (*CaseBook, error) {
	var b *C.gridroute_case_book
	var cerr *C.gridroute_error
	rc := e.use(func(c *C.gridroute_engine) C.int { return C.gridroute_case_book_new(&b, c, &cerr) })
	if err := newError(rc, cerr); err != nil {
		return nil, err
	}
	book := &CaseBook{c: b}
	runtime.SetFinalizer(book, (*CaseBook).Close)
	return book, nil
}

// Close frees the book; further calls fail with ErrInvalidArgument. Idempotent; always returns nil.
func (b *CaseBook) Close() error {
	b.mu.Lock()
	c := b.c
	b.c = nil
	b.mu.Unlock()
	if c != nil {
		C.gridroute_case_book_free(c)
		runtime.SetFinalizer(b, nil)
	}
	return nil
}

// Len is how many cases the book holds; their slots are 0 to Len()-1.
func (b *CaseBook) Len() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return int(C.gridroute_case_book_size(b.c))
}

// Add adds every non-blank line of jsonl (case lines, SPEC §4 and §6), in order, and returns the slot of
// the first. A line that cannot be read is kept: every sweep answers it rejected.
func (b *CaseBook) Add(jsonl []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var first C.size_t
	var cerr *C.gridroute_error
	p, n := cbytes(jsonl)
	rc := C.gridroute_case_book_add_jsonl(b.c, p, n, &first, &cerr)
	runtime.KeepAlive(jsonl)
	if err := newError(rc, cerr); err != nil {
		return 0, err
	}
	return int(first), nil
}

// Replace puts one case line (the case after an event, whole) in slot.
func (b *CaseBook) Replace(slot int, line []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if slot < 0 {
		return &Error{Code: codeInvalidArgument, Message: "slot must not be negative"}
	}
	var cerr *C.gridroute_error
	p, n := cbytes(line)
	if p == nil {
		p = (*C.char)(unsafe.Pointer(&cerr)) // a valid pointer for an empty line, which is rejected
	}
	rc := C.gridroute_case_book_replace_json(b.c, C.size_t(slot), p, n, &cerr)
	runtime.KeepAlive(line)
	return newError(rc, cerr)
}

// Remove takes the case in slot out; the last case moves into slot.
func (b *CaseBook) Remove(slot int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if slot < 0 {
		return &Error{Code: codeInvalidArgument, Message: "slot must not be negative"}
	}
	var cerr *C.gridroute_error
	return newError(C.gridroute_case_book_remove(b.c, C.size_t(slot), &cerr), cerr)
}

// SweepJSONL returns the action of every case at now, one line per slot, as `gridroute escalate` writes it.
func (b *CaseBook) SweepJSONL(now time.Time) ([]byte, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := (*C.gridroute_buf)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gridroute_buf{}))))
	defer C.free(unsafe.Pointer(out))
	var cerr *C.gridroute_error
	rc := C.gridroute_case_book_sweep_jsonl(out, b.c, micros(now), &cerr)
	data := takeBuf(out)
	return data, newError(rc, cerr)
}

// Sweep returns the Action of every case at now, indexed by slot.
func (b *CaseBook) Sweep(now time.Time) ([]Action, error) {
	data, err := b.SweepJSONL(now)
	if err != nil {
		return nil, err
	}
	var out []Action
	for _, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var a Action
		if err := json.Unmarshal(line, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
