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
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		out, err := engine.RouteJSON(sc.Bytes(), false) // a rejected line still gives its record
		fmt.Printf("%s\t%v\n", out, err)
	}
}
