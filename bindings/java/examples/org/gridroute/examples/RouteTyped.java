package org.gridroute.examples;

import org.gridroute.Action;
import org.gridroute.BundleException;
import org.gridroute.Decision;
import org.gridroute.Diagnostic;
import org.gridroute.Engine;
import org.gridroute.Gridroute;
import org.gridroute.GridrouteException;
import org.gridroute.RejectedException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * Routes every line of an issues.jsonl through the typed API and prints one decision per line, as
 * {@code gridroute route} does: each line becomes an {@link org.gridroute.Issue}, {@link Engine#route} gives
 * a {@link Decision}, and the decision's fields are written back as JSON. With {@code --now T}, every line of
 * a cases.jsonl becomes a {@link org.gridroute.Case} (with its lifecycle, SPEC §6), {@link Engine#escalate}
 * gives an {@link Action}, written back as {@code gridroute escalate} writes it. A line that cannot become an
 * issue or a case is answered with a {@code rejected} record, as the CLI answers it.
 *
 * <pre>java -cp gridroute.jar:gridroute-examples.jar:jna.jar:jackson-*.jar org.gridroute.examples.RouteTyped BUNDLE ISSUES.jsonl
 * java -cp ... org.gridroute.examples.RouteTyped BUNDLE CASES.jsonl --now 2026-12-07T10:00:00+08:00</pre>
 */
public final class RouteTyped {
    private RouteTyped() {}

    public static void main(String[] args) throws IOException {
        Instant now = null;
        if (args.length == 4 && args[2].equals("--now")) {
            try {
                now = Gridroute.parseInstant(args[3]);
            } catch (GridrouteException e) {
                System.err.println("--now: " + e.getMessage());
                System.exit(2);
            }
        } else if (args.length != 2) {
            System.err.println("usage: RouteTyped BUNDLE ISSUES.jsonl | BUNDLE CASES.jsonl --now TIME");
            System.exit(2);
        }
        byte[] text;
        try {
            text = Files.readAllBytes(Path.of(args[1]));
        } catch (IOException e) {
            System.err.println("cannot read " + args[1] + ": " + e.getMessage());
            System.exit(3);
            return;
        }
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, StandardCharsets.UTF_8);
        try (Engine engine = Engine.load(Path.of(args[0]))) {
            Instant at = now;
            if (at == null) {
                forEachLine(text, line -> out.println(route(engine, line)));
            } else {
                forEachLine(text, line -> out.println(escalate(engine, line, at)));
            }
        } catch (BundleException e) {
            for (Diagnostic d : e.diagnostics()) {
                System.err.println(d.text());
            }
            System.err.println(e.getMessage());
            System.exit(1);
        }
        out.flush();
    }

    /** The answer for one non-blank issue line. */
    public static String route(Engine engine, byte[] line) {
        Json.IssueLine in = Json.issue(line);
        if (!in.ok()) {
            return Json.rejected(in.id(), in.error(), engine.digest());
        }
        try {
            return Json.decision(engine.route(in.issue()), in.id());
        } catch (RejectedException e) {
            return e.decision() != null ? Json.decision(e.decision(), in.id())
                    : Json.rejected(in.id(), e.getMessage(), engine.digest());
        } catch (GridrouteException e) { // e.g. a value the typed API cannot carry
            return Json.rejected(in.id(), e.getMessage(), engine.digest());
        }
    }

    /** The answer for one non-blank case line at {@code now}. */
    public static String escalate(Engine engine, byte[] line, Instant now) {
        Json.CaseLine in = Json.kase(line);
        if (!in.ok()) {
            return Json.rejectedCase(in.id(), in.error(), engine.digest());
        }
        try {
            return Json.action(engine.escalate(in.kase(), now), in.id());
        } catch (RejectedException e) {
            return e.action() != null ? Json.action(e.action(), in.id())
                    : Json.rejectedCase(in.id(), e.getMessage(), engine.digest());
        } catch (GridrouteException e) {
            return Json.rejectedCase(in.id(), e.getMessage(), engine.digest());
        }
    }

    public interface LineHandler {
        void line(byte[] line);
    }

    /**
     * Splits JSON Lines as the CLI does: '\n' ends a line, a trailing '\r' is dropped, a UTF-8 BOM on the
     * first line is skipped, lines of only spaces and tabs are skipped.
     */
    public static void forEachLine(byte[] text, LineHandler h) {
        int pos = 0;
        boolean first = true;
        while (pos < text.length) {
            int end = pos;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            int start = pos;
            int stop = end;
            pos = end + 1;
            if (stop > start && text[stop - 1] == '\r') {
                stop--;
            }
            if (first && stop - start >= 3 && (text[start] & 0xff) == 0xEF && (text[start + 1] & 0xff) == 0xBB
                    && (text[start + 2] & 0xff) == 0xBF) {
                start += 3;
            }
            first = false;
            int k = start;
            while (k < stop && (text[k] == ' ' || text[k] == '\t')) {
                k++;
            }
            if (k == stop) {
                continue;
            }
            h.line(Arrays.copyOfRange(text, start, stop));
        }
    }
}
