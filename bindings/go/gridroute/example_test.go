package gridroute_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gridroute/gridroute/bindings/go/gridroute"
)

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
