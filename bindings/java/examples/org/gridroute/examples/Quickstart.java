package org.gridroute.examples;

import org.gridroute.Action;
import org.gridroute.BundleException;
import org.gridroute.Case;
import org.gridroute.Decision;
import org.gridroute.Diagnostic;
import org.gridroute.Engine;
import org.gridroute.Gridroute;
import org.gridroute.Issue;
import org.gridroute.RejectedException;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The Java binding in brief (docs/java.md): {@code Quickstart [BUNDLE]}, by default examples/lanxi. */
public final class Quickstart {
    private Quickstart() {}

    public static void main(String[] args) {
        Path bundle = Path.of(args.length > 0 ? args[0] : "examples/lanxi");
        System.out.println("libgridroute " + Gridroute.version());
        try (Engine engine = Engine.load(bundle)) {
            Instant at = Gridroute.parseInstant("2026-11-20T09:40:00+08:00");
            Issue issue = new Issue("I-1", "env.noise.loudspeaker", "qiaodong-a-01", at, Map.of("severity", 3));

            Decision d = engine.route(issue);
            System.out.println(d.status() + " " + d.handler() + " at " + d.unit() + ", resolve by " + d.resolveBy());

            try {
                engine.route(new Issue("I-2", "env.noise.loudspeaker", "nowhere", at));
            } catch (RejectedException e) {
                System.out.println("rejected: " + e.getMessage());
            }

            Instant now = Gridroute.parseInstant("2026-11-20T11:00:00+08:00");
            Action a = engine.escalate(new Case(issue, 0, at, false, 0), now);
            System.out.println(a.action() + " " + a.reasons() + " to level " + a.level() + ": " + a.handler());

            // The squad sent the order back (退单): the next squad at the same level takes it (改派).
            Case returned = new Case(issue, 0, at, false, 0)
                    .withReturned(List.of(new Case.Return("squad-1", at.plusSeconds(600), "not ours")));
            Action back = engine.escalate(returned, now);
            System.out.println(back.action() + " " + back.reasons() + " to " + back.handler() + ", respond by "
                    + back.respondBy());
            System.out.println("bundle " + engine.digest() + ": " + back.bundle().equals(engine.digest()));

            System.out.print(engine.routeJsonl("{\"id\": \"I-3\", \"category\": \"street.vending.gate\","
                    + " \"cell\": \"qiaodong-a-02\", \"at\": \"2026-11-20T09:40:00+08:00\"}\n"));
            System.out.println("lint findings: " + engine.check().size());
        } catch (BundleException e) {
            for (Diagnostic diag : e.diagnostics()) {
                System.err.println(diag.text());
            }
            System.exit(1);
        }
    }
}
