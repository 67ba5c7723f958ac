package gridroute_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gridroute/gridroute/bindings/go/gridroute"
)

// Routing many issues in one call, their cells given by number (docs/go.md quotes this example).
func ExampleEngine_RouteMany() {
	engine, err := gridroute.Load("../../../examples/lanxi")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer engine.Close()

	// The platform's cells, looked up once (and again after a Reload).
	cells := []string{"qiaodong-a-01", "qiaodong-b-02", "no-such-cell"}
	numbers, generation, err := engine.FindCells(cells)
	if err != nil {
		fmt.Println(err)
		return
	}
	at, _ := time.Parse(time.RFC3339, "2026-11-20T09:40:00+08:00")
	var issues []gridroute.Issue
	for i, cell := range cells {
		issues = append(issues, gridroute.Issue{ID: gridroute.StringID(fmt.Sprintf("I-%d", i+1)),
			Category: "env.noise.loudspeaker", At: at,
			Cell:       cell, // kept: after a Reload the id routes the issue until the numbers are looked up again
			CellNumber: numbers[i], CellGeneration: generation})
	}
	issues = append(issues, gridroute.Issue{ID: gridroute.StringID("I-4"), Category: "env.noise.loudspeaker",
		Cell: "qiaodong-a-01", At: at, Attrs: map[string]any{"severity": struct{}{}}})

	decisions, err := engine.RouteMany(issues) // an error only when the call fails (a closed engine)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range decisions {
		if d.Status == gridroute.Rejected {
			fmt.Println(d.ID, "rejected:", d.Error)
		} else {
			fmt.Println(d.ID, d.Status, d.Handler, d.Unit)
		}
	}
	// Output:
	// I-1 routed squad-1 qiaodong
	// I-2 routed squad-1 qiaodong
	// I-3 rejected: unknown cell 'no-such-cell'
	// I-4 rejected: attribute "severity": unsupported type struct {}
}

// Routing an issue and evaluating cases with their lifecycle (docs/go.md quotes this example).
func Example() {
	engine, err := gridroute.Load("../../../examples/lanxi")
	var gerr *gridroute.Error
	if errors.As(err, &gerr) {
		for _, d := range gerr.Diagnostics {
			fmt.Println(d.Text) // FILE:LINE:COLUMN: /json/pointer: message
		}
		return
	}
	defer engine.Close()

	at, _ := time.Parse(time.RFC3339, "2026-11-20T09:40:00+08:00")
	d, err := engine.Route(gridroute.Issue{ID: gridroute.StringID("I-1"), Category: "env.noise.loudspeaker",
		Cell: "qiaodong-a-01", At: at, Attrs: map[string]any{"severity": 3}})
	if err != nil {
		fmt.Println("rejected:", d.Error) // errors.Is(err, gridroute.ErrRejected)
		return
	}
	fmt.Println(d.Status, d.Rule, d.Handler, d.Alternates, d.ResolveBy.Format(time.RFC3339))
	digest, _ := engine.Digest()
	fmt.Println(d.Bundle == digest)

	// An integer id (contract 1.1) stays an integer; json.Marshal writes what `gridroute route` writes.
	d, _ = engine.Route(gridroute.Issue{ID: gridroute.IntID(20261120001), Category: "street.vending.gate",
		Cell: "qiaodong-a-02", At: at})
	out, _ := json.Marshal(d)
	head, _, _ := strings.Cut(string(out), `,"role"`)
	fmt.Println(head)

	// A case whose squad sent it back (退单): the next squad at the same level takes it (改派).
	issue := gridroute.Issue{ID: gridroute.StringID("C-1"), Category: "env.noise.loudspeaker",
		Cell: "qiaodong-a-01", At: at.Add(4*24*time.Hour - 20*time.Minute)} // 2026-11-24T09:20
	now := issue.At.Add(24*time.Hour + 40*time.Minute) // 2026-11-25T10:00
	c := gridroute.Case{Issue: issue, LevelStartedAt: issue.At,
		Returned: []gridroute.Return{{Handler: "squad-1", At: issue.At.Add(40 * time.Minute), Reason: "not ours"}}}
	a, _ := engine.Escalate(c, now)
	fmt.Println(a.Kind, a.Level, a.Handler, a.Reasons, a.RespondBy.Format(time.RFC3339))

	// Every squad returned it: a dispute, a person must rule.
	c.Returned = append(c.Returned, gridroute.Return{Handler: "squad-1-night", At: now.Add(-time.Hour)})
	a, _ = engine.Escalate(c, now)
	fmt.Println(a.Kind == gridroute.Dispute, a.Handler == "")

	// Suspended since yesterday, with no end yet (挂起); then without the suspension: overdue, escalated.
	c.Returned = nil
	c.Suspended = []gridroute.Suspension{{From: issue.At.Add(10 * time.Minute)}}
	a, _ = engine.Escalate(c, now)
	fmt.Println(a.Kind, a.NextCheck.IsZero())
	c.Suspended = nil
	a, _ = engine.Escalate(c, now)
	fmt.Println(a.Kind, a.Level, a.Handler, a.Reasons)
	// Output:
	// routed loudspeaker squad-1 [squad-1-night] 2026-11-23T17:00:00+08:00
	// true
	// {"id":20261120001,"status":"routed","rule":"vending-gate"
	// redispatch 0 squad-1-night [returned] 2026-11-25T11:00:00+08:00
	// true true
	// suspended true
	// escalate 1 council-qiaodong [missed_respond]
}
