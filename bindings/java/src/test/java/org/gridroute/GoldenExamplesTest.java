package org.gridroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridroute.examples.Json;
import org.gridroute.examples.RouteTyped;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Each golden example's expected answers, through every path of the binding. */
class GoldenExamplesTest {
    static Stream<Path> examples() {
        return Golden.allExamples();
    }

    static Stream<Path> cleanExamples() {
        return Golden.examples();
    }

    private static String name(Path bundle, String what) {
        return bundle.getFileName() + "-" + what + ".jsonl";
    }

    @ParameterizedTest
    @MethodSource("examples")
    void routeThroughTheStructPath(Path bundle) throws Exception {
        List<String> out = new ArrayList<>();
        int typed = 0;
        try (Engine engine = Engine.load(bundle)) {
            for (byte[] line : Golden.lines(bundle.resolve("issues.jsonl"))) {
                Json.IssueLine in = Json.issue(line);
                if (in.ok()) {
                    typed++;
                }
                out.add(RouteTyped.route(engine, line));
            }
        }
        assertTrue(typed > 0, "no line became an Issue");
        Golden.compare(name(bundle, "route-struct"), out, bundle.resolve("expected-route.jsonl"));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void routeThroughTheBatchJsonPath(Path bundle) throws Exception {
        byte[] text = Files.readAllBytes(bundle.resolve("issues.jsonl"));
        try (Engine engine = Engine.load(bundle)) {
            Path out = Golden.tmp().resolve(name(bundle, "route-jsonl"));
            Files.write(out, engine.routeJsonl(text, false));
            Golden.compareFiles(out, bundle.resolve("expected-route.jsonl"));

            // The stream form, in blocks far smaller than the file, gives the same bytes.
            ByteArrayOutputStream streamed = new ByteArrayOutputStream();
            engine.routeJsonl(new ByteArrayInputStream(text), streamed, 700);
            assertEquals(new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                    streamed.toString(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void routeOneLineAtATimeThroughTheJsonPath(Path bundle) throws Exception {
        List<String> out = new ArrayList<>();
        try (Engine engine = Engine.load(bundle)) {
            for (byte[] line : Golden.lines(bundle.resolve("issues.jsonl"))) {
                try {
                    out.add(new String(engine.routeJson(line, false), StandardCharsets.UTF_8));
                } catch (RejectedException e) {
                    assertNotNull(e.record(), "a rejected line keeps its record");
                    assertTrue(e.record().contains("\"status\": \"rejected\""), e.record());
                    out.add(e.record());
                }
            }
        }
        Golden.compare(name(bundle, "route-json"), out, bundle.resolve("expected-route.jsonl"));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void escalateThroughTheStructPath(Path bundle) throws Exception {
        Instant now = Golden.now(bundle);
        List<String> out = new ArrayList<>();
        int typed = 0;
        try (Engine engine = Engine.load(bundle)) {
            for (byte[] line : Golden.lines(bundle.resolve("cases.jsonl"))) {
                Json.CaseLine in = Json.kase(line);
                if (!in.ok()) {
                    out.add(Json.rejectedCase(in.id(), in.error()));
                    continue;
                }
                typed++;
                try {
                    out.add(Json.action(engine.escalate(in.kase(), now), in.id()));
                } catch (RejectedException e) {
                    assertEquals(ActionKind.REJECTED, e.action().action());
                    assertEquals(e.getMessage(), e.action().error());
                    out.add(Json.action(e.action(), in.id()));
                }
            }
        }
        assertTrue(typed > out.size() / 2, "only " + typed + " case lines became a Case");
        Golden.compare(name(bundle, "escalate-struct"), out, bundle.resolve("expected-escalate.jsonl"));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void escalateThroughTheJsonPaths(Path bundle) throws Exception {
        Instant now = Golden.now(bundle);
        byte[] text = Files.readAllBytes(bundle.resolve("cases.jsonl"));
        try (Engine engine = Engine.load(bundle)) {
            Path batch = Golden.tmp().resolve(name(bundle, "escalate-jsonl"));
            Files.write(batch, engine.escalateJsonl(text, now));
            Golden.compareFiles(batch, bundle.resolve("expected-escalate.jsonl"));

            List<String> single = new ArrayList<>();
            for (byte[] line : Golden.lines(bundle.resolve("cases.jsonl"))) {
                try {
                    single.add(new String(engine.escalateJson(line, now), StandardCharsets.UTF_8));
                } catch (RejectedException e) {
                    single.add(e.record());
                }
            }
            Golden.compare(name(bundle, "escalate-json"), single, bundle.resolve("expected-escalate.jsonl"));
        }
    }

    @ParameterizedTest
    @MethodSource("cleanExamples")
    void theExamplesCheckClean(Path bundle) {
        // The demo bundle's loudspeaker-minor rule shows on purpose that ne is false on a missing
        // attribute (its README: L04), and check() warns about it; shuangcheng's drainage rule names a
        // water department that no handler is (its README: "no water department anywhere"); any other
        // finding is a regression.
        String name = bundle.getFileName().toString();
        List<String> intended = name.equals("lanxi") ? List.of("/rules/2/when/all/1")
                : name.equals("shuangcheng") ? List.of("/rules/25/route") : List.of();
        try (Engine engine = Engine.load(bundle)) {
            assertEquals(intended, engine.check().stream().map(Diagnostic::pointer).toList());
        }
    }
}
