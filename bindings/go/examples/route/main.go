// Command route routes every issue of a bundle's issues.jsonl with the Go binding and prints who owns it.
//
//	go run ./examples/route ../../examples/lanxi
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gridroute/gridroute/bindings/go/gridroute"
)

func main() {
	bundle := "examples/lanxi"
	if len(os.Args) > 1 {
		bundle = os.Args[1]
	}
	engine, err := gridroute.Load(bundle)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer engine.Close()
	f, err := os.Open(filepath.Join(bundle, "issues.jsonl"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	// Lines up to the library's limit (1 MiB); a Scanner's default stops at 64 KiB.
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20+2)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		// A rejected line still gives its record (JSON Lines on stdout); the error goes to stderr.
		out, err := engine.RouteJSON(sc.Bytes(), false)
		if err != nil {
			fmt.Fprintf(os.Stderr, "line %d: %v\n", line, err)
		}
		w.Write(out)
		w.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		w.Flush()
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
