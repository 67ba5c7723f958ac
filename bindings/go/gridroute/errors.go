package gridroute

/*
#include "gridroute.h"
static gridroute_diagnostic gr_err_diag(const gridroute_error *e, size_t i) { return e->diagnostics[i]; }
*/
import "C"

import "errors"

// Status codes of the C ABI (gridroute_status); the list only grows.
const (
	codeOK              = 0
	codeInvalidArgument = 1
	codeStructSize      = 2
	codeBundle          = 3
	codeRejected        = 4
	codeNoMemory        = 5
	codeInternal        = 6
)

// Sentinel errors, one per status code: test with errors.Is(err, gridroute.ErrBundle). The details
// (message, file, line, JSON pointer, every diagnostic) are in the *Error: errors.As(err, &gerr).
var (
	ErrInvalidArgument = errors.New("gridroute: invalid argument")
	ErrStructSize      = errors.New("gridroute: unknown struct_size")
	ErrBundle          = errors.New("gridroute: bundle refused")
	ErrRejected        = errors.New("gridroute: input rejected")
	ErrNoMemory        = errors.New("gridroute: out of memory")
	ErrInternal        = errors.New("gridroute: internal error")
	// ErrUnknown is the sentinel of a status code this package does not know (from a newer library).
	ErrUnknown = errors.New("gridroute: unknown status")
)

var sentinels = map[int]error{codeInvalidArgument: ErrInvalidArgument, codeStructSize: ErrStructSize,
	codeBundle: ErrBundle, codeRejected: ErrRejected, codeNoMemory: ErrNoMemory, codeInternal: ErrInternal}

// Error is a failure reported by libgridroute.
type Error struct {
	Code        int    // the C status code
	Message     string // one line
	File        string // where the first problem is (bundle errors), else ""
	Line        int
	Column      int
	Pointer     string       // JSON pointer of the first problem, else ""
	Diagnostics []Diagnostic // every problem found (bundle errors)
}

func (e *Error) Error() string { return "gridroute: " + e.Message }

// Unwrap returns the sentinel of the code, so errors.Is(err, ErrBundle) works.
func (e *Error) Unwrap() error {
	if s, ok := sentinels[e.Code]; ok {
		return s
	}
	return ErrUnknown
}

// newError converts a status and a C error (freed here) into a Go error; nil for GRIDROUTE_OK.
func newError(rc C.int, cerr *C.gridroute_error) error {
	if rc == codeOK {
		return nil
	}
	e := &Error{Code: int(rc), Message: C.GoString(C.gridroute_status_string(rc))}
	if cerr != nil {
		e.Message = C.GoString(cerr.message)
		if rc == C.GRIDROUTE_E_INVALID_ARGUMENT && e.Message == "engine must not be NULL" {
			// An Engine's handle is nil only once it is closed.
			e.Message = "the engine is closed"
		}
		e.File = C.GoString(cerr.file)
		e.Line = int(cerr.line)
		e.Column = int(cerr.column)
		e.Pointer = C.GoString(cerr.pointer)
		for i := C.size_t(0); i < cerr.diagnostic_count; i++ {
			e.Diagnostics = append(e.Diagnostics, goDiagnostic(C.gr_err_diag(cerr, i)))
		}
		C.gridroute_error_free(cerr)
	}
	return e
}
