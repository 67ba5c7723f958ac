package org.gridroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridroute.examples.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@link Engine#routeMany} (gridroute_engine_route_batch) and cells by number ({@link Engine#findCells},
 * gridroute_engine_find_units): the same decisions as {@link Engine#route} one issue at a time, field by
 * field; bad issues rejected in place; numbers from before a reload never read.
 */
class BatchTest {
    static Stream<Path> examples() {
        return Golden.allExamples();
    }

    /** The lines of the example's issues.jsonl that become an {@link Issue}. */
    static List<Issue> issues(Path bundle) throws Exception {
        List<Issue> out = new ArrayList<>();
        for (byte[] line : Golden.lines(bundle.resolve("issues.jsonl"))) {
            Json.IssueLine in = Json.issue(line);
            if (in.ok()) {
                out.add(in.issue());
            }
        }
        assertTrue(out.size() > 10, "only " + out.size() + " issues in " + bundle);
        return out;
    }

    /**
     * What {@link Engine#route} answers for the issue, as a decision: the decision, or the rejection it
     * throws (the library's rejected decision, or the binding's reason for an issue it cannot write).
     */
    static Decision one(Engine engine, Issue issue, boolean explain) {
        try {
            return engine.route(issue, explain);
        } catch (RejectedException e) {
            assertNotNull(e.decision(), "a rejection keeps its decision");
            assertEquals(e.getMessage(), e.decision().error());
            return e.decision();
        } catch (InvalidArgumentException e) {
            return rejected(issue.id(), e.getMessage(), engine.digest());
        }
    }

    static Decision rejected(String id, String error, String bundle) {
        return new Decision(id, DecisionStatus.REJECTED, null, null, null, null, null, null, List.of(), List.of(), 0,
                null, null, null, false, null, error, bundle, null);
    }

    static List<Decision> oneByOne(Engine engine, List<Issue> issues, boolean explain) {
        List<Decision> out = new ArrayList<>();
        for (Issue issue : issues) {
            out.add(one(engine, issue, explain));
        }
        return out;
    }

    /** The decisions are equal field by field (every component of the record), in order. */
    static void assertDecisions(List<Decision> want, List<Decision> got, String what) throws Exception {
        assertEquals(want.size(), got.size(), what + ": the number of decisions");
        for (int i = 0; i < want.size(); i++) {
            for (RecordComponent c : Decision.class.getRecordComponents()) {
                Object w = c.getAccessor().invoke(want.get(i));
                Object g = c.getAccessor().invoke(got.get(i));
                assertEquals(w, g, what + ": decision " + i + " (" + want.get(i).id() + "), " + c.getName());
            }
        }
    }

    /** Each issue with its cell's number (when it names a cell), looked up in {@code engine} now. */
    static List<Issue> numbered(Engine engine, List<Issue> issues) {
        List<String> cells = new ArrayList<>(new LinkedHashSet<>(issues.stream()
                .filter(i -> i.cell() != null).map(Issue::cell).toList()));
        CellNumbers numbers = engine.findCells(cells);
        assertEquals(cells.size(), numbers.size());
        assertNotEquals(0, numbers.generation());
        List<Issue> out = new ArrayList<>();
        for (Issue issue : issues) {
            out.add(issue.cell() == null ? issue : numbers.apply(cells.indexOf(issue.cell()), issue));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("examples")
    void routeManyGivesWhatRouteGivesOneAtATime(Path bundle) throws Exception {
        List<Issue> issues = issues(bundle);
        try (Engine engine = Engine.load(bundle)) {
            for (boolean explain : new boolean[] {false, true}) {
                List<Decision> want = oneByOne(engine, issues, explain);
                assertTrue(want.stream().anyMatch(Decision::routed), "nothing routed in " + bundle);
                assertDecisions(want, engine.routeMany(issues, explain), bundle + " explain=" + explain);
            }
            assertDecisions(oneByOne(engine, issues, false), engine.routeMany(issues), bundle + " routeMany(issues)");
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void manyChunksGiveWhatRouteGives(Path bundle) throws Exception {
        // More than two chunks of 1,024, so that the chunks' edges fall at different issues.
        List<Issue> once = issues(bundle);
        List<Issue> issues = new ArrayList<>();
        while (issues.size() <= 2 * Engine.BATCH + 100) {
            issues.addAll(once);
        }
        try (Engine engine = Engine.load(bundle)) {
            List<Decision> want = oneByOne(engine, once, false);
            List<Decision> got = engine.routeMany(issues);
            assertEquals(issues.size(), got.size());
            for (int from = 0; from < got.size(); from += once.size()) {
                assertDecisions(want, got.subList(from, from + once.size()), bundle + " from " + from);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void cellsByNumberGiveWhatCellIdsGive(Path bundle) throws Exception {
        List<Issue> issues = issues(bundle);
        try (Engine engine = Engine.load(bundle)) {
            List<Issue> numbered = numbered(engine, issues);
            assertTrue(numbered.stream().anyMatch(i -> i.cellGeneration() != 0 && i.cellNumber() != CellNumbers.NONE));
            for (boolean explain : new boolean[] {false, true}) {
                List<Decision> want = oneByOne(engine, issues, explain);
                // With the number and the id: routed by the number (an unknown id, GRIDROUTE_UNIT_NONE, by the id).
                assertDecisions(want, engine.routeMany(numbered, explain), bundle + " numbered, explain=" + explain);
                assertDecisions(want, oneByOne(engine, numbered, explain), bundle + " route numbered, explain=" + explain);
            }
            // With the number alone: the cell id is not needed.
            List<Decision> want = new ArrayList<>();
            List<Issue> bare = new ArrayList<>();
            List<Decision> all = oneByOne(engine, issues, false);
            for (int i = 0; i < numbered.size(); i++) {
                Issue n = numbered.get(i);
                if (n.cellGeneration() != 0 && n.cellNumber() != CellNumbers.NONE) {
                    bare.add(new Issue(n.id(), n.category(), null, n.at(), n.attrs(), null, n.cellNumber(),
                            n.cellGeneration()));
                    want.add(all.get(i));
                }
            }
            assertDecisions(want, engine.routeMany(bare), bundle + " numbers alone");
            assertDecisions(want, oneByOne(engine, bare, false), bundle + " route, numbers alone");
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void aReloadBetweenFindCellsAndRouteManyIsNoticed(Path bundle) throws Exception {
        List<Issue> issues = issues(bundle);
        try (Engine engine = Engine.load(bundle)) {
            List<Issue> numbered = numbered(engine, issues);
            long before = numbered.stream().filter(i -> i.cellGeneration() != 0).findFirst().orElseThrow()
                    .cellGeneration();
            engine.reload(bundle);
            long after = engine.findCells(List.of()).generation();
            assertNotEquals(before, after, "a reload makes a new generation");

            // The issues that keep their cell id are routed by it, in the new snapshot.
            assertDecisions(oneByOne(engine, issues, false), engine.routeMany(numbered), bundle + " after a reload");

            // Those that give only the number are rejected, each in its place, with the library's reason.
            java.util.function.IntFunction<String> why = number -> "cell number " + number + " belongs to generation "
                    + Long.toUnsignedString(before) + ", but the engine serves generation "
                    + Long.toUnsignedString(after) + " (reloaded since, or another engine's number): look the cells'"
                    + " numbers up again, or give the cell's id with its number";
            List<Issue> mixed = new ArrayList<>();
            List<Decision> want = new ArrayList<>();
            for (Issue n : numbered) {
                if (n.cellGeneration() == 0) {
                    continue;
                }
                Issue bare = new Issue(n.id(), n.category(), null, n.at(), n.attrs(), null, n.cellNumber(),
                        n.cellGeneration());
                mixed.add(bare);
                want.add(rejected(n.id(), why.apply(n.cellNumber()), engine.digest()));
                mixed.add(n);
                want.add(one(engine, n, false));
            }
            assertDecisions(want, engine.routeMany(mixed), bundle + " numbers of the old generation");
            RejectedException e = assertThrows(RejectedException.class, () -> engine.route(mixed.get(0)));
            assertEquals(why.apply(mixed.get(0).cellNumber()), e.getMessage());
        }
    }

    @Test
    void aCurrentNumberIsReadAndAnOldOneIsNot() {
        Instant at = Gridroute.parseInstant("2026-11-20T09:40:00+08:00");
        try (Engine engine = Engine.load(Golden.lanxi())) {
            CellNumbers n = engine.findCells(List.of("qiaodong-a-01", "binjiang-c-01", "no-such-cell", "binjiang-c"));
            assertTrue(n.number(0) >= 0 && n.number(1) >= 0 && n.number(3) >= 0, n.toString());
            assertEquals(CellNumbers.NONE, n.number(2));
            assertEquals(4, n.numbers().length);

            // The id says binjiang-c-01 and the number qiaodong-a-01: the number is read.
            Issue crossed = new Issue("X-1", "env.noise.loudspeaker", "binjiang-c-01", at).withCellNumber(n.number(0),
                    n.generation());
            assertEquals("qiaodong", engine.routeMany(List.of(crossed)).get(0).unit());
            assertEquals("qiaodong", engine.route(crossed).unit());
            assertEquals("unit 'binjiang-c' is not a cell (tier 'area')",
                    engine.routeMany(List.of(n.apply(3, new Issue("X-2", "env.noise.loudspeaker", null, at))))
                            .get(0).error());

            // Another engine, on the same bundle, has snapshots of other generations: the id.
            try (Engine other = Engine.load(Golden.lanxi())) {
                assertEquals("binjiang", other.routeMany(List.of(crossed)).get(0).unit());
            }

            engine.reload(Golden.lanxi());
            // After the reload, the id.
            assertEquals("binjiang", engine.routeMany(List.of(crossed)).get(0).unit());
            assertEquals("binjiang", engine.route(crossed).unit());
        }
    }

    @Test
    void badIssuesAreRejectedInTheirPlace() throws Exception {
        Instant at = Gridroute.parseInstant("2026-11-20T09:40:00+08:00");
        Issue good = new Issue("G", "env.noise.loudspeaker", "qiaodong-a-01", at, Map.of("severity", 3));
        List<Issue> bad = List.of(
                new Issue("B-cell", "env.noise.loudspeaker", "nowhere", at),                      // the library's
                new Issue("B-attr", "env.noise.loudspeaker", "qiaodong-a-01", at, Map.of("severity", "high")),
                new Issue("B-type", "env.noise.loudspeaker", "qiaodong-a-01", at, Map.of("severity", new Object())),
                new Issue("B-utf", "env.noise.loudspeaker", "qiaodong-a-\uD800", at),             // the binding's
                new Issue("B-at", "env.noise.loudspeaker", "qiaodong-a-01", null),
                new Issue("B-epoch", "env.noise.loudspeaker", "qiaodong-a-01", Instant.EPOCH),
                new Issue(null, "env.noise.loudspeaker", "qiaodong-a-01", at),
                new Issue("B-number", "env.noise.loudspeaker", null, at).withCellNumber(1 << 30, 1));
        List<Issue> issues = new ArrayList<>();
        for (Issue b : bad) {
            issues.add(good);
            issues.add(b);
        }
        issues.add(good);
        try (Engine engine = Engine.load(Golden.lanxi())) {
            List<Decision> want = oneByOne(engine, issues, false);
            List<Decision> got = engine.routeMany(issues);
            assertDecisions(want, got, "bad issues between good ones");
            for (int i = 0; i < got.size(); i++) {
                assertEquals(i % 2 == 0 ? DecisionStatus.ROUTED : DecisionStatus.REJECTED, got.get(i).status(),
                        got.get(i).toString());
                assertEquals(engine.digest(), got.get(i).bundle());
            }
            assertEquals("unknown cell 'nowhere'", got.get(1).error());
            assertTrue(got.get(5).error().contains("unsupported type java.lang.Object"), got.get(5).error());
            assertEquals("field 'at' is required: the issue has no time", got.get(9).error());

            // Bad issues at the edges of a chunk.
            List<Issue> many = new ArrayList<>();
            for (int i = 0; i < 2 * Engine.BATCH + 1; i++) {
                many.add(i % Engine.BATCH == 0 || i % Engine.BATCH == Engine.BATCH - 1 ? bad.get(i % bad.size()) : good);
            }
            assertDecisions(oneByOne(engine, many, false), engine.routeMany(many), "bad issues at a chunk's edges");
        }
    }

    @Test
    void threadsRouteManyWhileTheBundleIsReloadedThenClosed() throws Exception {
        Path bundle = Golden.shuangcheng();
        List<Issue> issues = issues(bundle);
        Engine engine = Engine.load(bundle);
        List<Decision> want = oneByOne(engine, issues, false);
        List<Issue> numbered = numbered(engine, issues); // of the first generation: stale after a reload
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger batches = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            List<Issue> mine = t % 2 == 0 ? issues : numbered;
            threads.add(new Thread(() -> {
                try {
                    for (;;) {
                        if (!engine.routeMany(mine).equals(want)) {
                            failures.add("routeMany differs");
                        }
                        batches.incrementAndGet();
                    }
                } catch (IllegalStateException e) {
                    refused.incrementAndGet(); // the engine is closed: the only way out
                } catch (Throwable e) {
                    failures.add(e.toString());
                }
            }, "batch-" + t));
        }
        threads.forEach(Thread::start);
        for (int i = 0; i < 20; i++) {
            engine.reload(bundle);
        }
        for (long end = System.nanoTime() + 10_000_000_000L; batches.get() < 2 * threads.size() && failures.isEmpty()
                && System.nanoTime() < end; ) {
            Thread.sleep(1);
        }
        engine.close();
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(List.of(), new ArrayList<>(failures));
        assertEquals(threads.size(), refused.get());
        assertTrue(batches.get() > 0);
    }

    @Test
    void anEmptyListGivesNoDecisions() {
        try (Engine engine = Engine.load(Golden.lanxi())) {
            assertEquals(List.of(), engine.routeMany(List.of()));
            assertEquals(List.of(), engine.routeMany(List.of(), true));
            CellNumbers none = engine.findCells(List.of());
            assertEquals(0, none.size());
            assertNotEquals(0, none.generation());
        }
    }

    @Test
    void aClosedEngineThrows() {
        Instant at = Gridroute.parseInstant("2026-11-20T09:40:00+08:00");
        List<Issue> issues = List.of(new Issue("I-1", "env.noise.loudspeaker", "qiaodong-a-01", at));
        Engine engine = Engine.load(Golden.lanxi());
        assertEquals(DecisionStatus.ROUTED, engine.routeMany(issues).get(0).status());
        engine.close();
        assertThrows(IllegalStateException.class, () -> engine.routeMany(issues));
        assertThrows(IllegalStateException.class, () -> engine.routeMany(List.of()));
        assertThrows(IllegalStateException.class, () -> engine.findCells(List.of("qiaodong-a-01")));
    }

    @Test
    void nullsAreRefused() {
        try (Engine engine = Engine.load(Golden.lanxi())) {
            assertThrows(NullPointerException.class, () -> engine.routeMany(null));
            List<Issue> withNull = new ArrayList<>();
            withNull.add(null);
            assertThrows(NullPointerException.class, () -> engine.routeMany(withNull));
            List<String> nullId = new ArrayList<>();
            nullId.add(null);
            assertThrows(NullPointerException.class, () -> engine.findCells(nullId));
            assertThrows(InvalidArgumentException.class, () -> engine.findCells(List.of("a-\uD800")));
        }
    }

    @Test
    void theIssueKeepsItsNumberOrDropsIt() {
        Issue issue = new Issue("I-1", "noise", "a-01", Instant.EPOCH);
        assertEquals(CellNumbers.NONE, issue.cellNumber());
        assertEquals(0, issue.cellGeneration());
        Issue n = issue.withCellNumber(7, 3);
        assertEquals(7, n.cellNumber());
        assertEquals(3, n.cellGeneration());
        assertEquals("a-01", n.cell());
        assertEquals(7, n.withAttr("severity", 2).cellNumber());
        Issue located = n.withLocation(120.1, 30.2);
        assertEquals(0, located.cellGeneration(), "a location replaces the cell and its number");
        assertEquals(CellNumbers.NONE, located.cellNumber());
    }

    /** docs/java.md quotes this example, from the cells to the decisions. */
    @Test
    void theExampleOfTheJavaPage() {
        try (Engine engine = Engine.load(Golden.lanxi())) {
            Instant at = Gridroute.parseInstant("2026-11-20T09:40:00+08:00");
            List<String> cells = List.of("qiaodong-a-01", "binjiang-c-01", "no-such-cell");
            CellNumbers numbers = engine.findCells(cells); // once, and again after a reload
            List<Issue> issues = new ArrayList<>();
            for (int i = 0; i < cells.size(); i++) {
                Issue issue = new Issue("I-" + i, "env.noise.loudspeaker", cells.get(i), at);
                issues.add(numbers.apply(i, issue)); // the cell id stays: after a reload it routes the issue
            }
            List<Decision> decisions = engine.routeMany(issues); // one per issue, in order; never throws for one

            assertEquals(List.of("squad-1 at qiaodong", "squad-1 at binjiang", "REJECTED: unknown cell 'no-such-cell'"),
                    decisions.stream().map(d -> d.routed() ? d.handler() + " at " + d.unit() : d.status() + ": "
                            + d.error()).toList());
        }
    }
}
