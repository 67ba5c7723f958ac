package org.gridroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.gridroute.examples.Json;
import org.gridroute.examples.RouteTyped;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The case lifecycle (SPEC §6), the fallback owner, the digest and integer ids through the typed API. */
class LifecycleTest {
    static Path lianshi;
    static Instant now;
    static final Map<String, byte[]> ISSUES = new HashMap<>();
    static final Map<String, byte[]> CASES = new HashMap<>();

    @BeforeAll
    static void lines() throws Exception {
        lianshi = Golden.lianshi();
        now = Golden.now(lianshi);
        for (byte[] line : Golden.lines(lianshi.resolve("issues.jsonl"))) {
            JsonNode id = Json.issue(line).id();
            ISSUES.put(id.asText(), line);
        }
        for (byte[] line : Golden.lines(lianshi.resolve("cases.jsonl"))) {
            CASES.put(Json.kase(line).id().asText(), line);
        }
    }

    private static Case kase(String id) {
        Json.CaseLine in = Json.kase(CASES.get(id));
        assertTrue(in.ok(), id + ": " + in.error());
        return in.kase();
    }

    @Test
    void theFallbackOwnerIsADecisionWithoutARule() {
        try (Engine engine = Engine.load(lianshi)) {
            Decision d = engine.route(Json.issue(ISSUES.get("F01")).issue());
            assertEquals(DecisionStatus.ROUTED, d.status());
            assertTrue(d.fallback());
            assertNull(d.rule());
            assertEquals("center-zz", d.handler());
            assertEquals(engine.digest(), d.bundle());
            String json = Json.decision(d);
            assertTrue(json.contains("\"rule\":null,\"fallback\":true"), json);
            assertTrue(json.endsWith(",\"bundle\":\"" + engine.digest() + "\"}"), json);
            assertFalse(engine.route(Json.issue(ISSUES.get("R01")).issue()).fallback());
        }
    }

    @Test
    void returnsSuspensionsAndPinsAreActions() {
        try (Engine engine = Engine.load(lianshi)) {
            Action a = engine.escalate(kase("L16"), now);
            assertEquals(ActionKind.REDISPATCH, a.action());
            assertEquals(List.of(Reason.RETURNED), a.reasons());
            assertNotNull(a.handler());
            assertNotNull(a.respondBy());
            assertFalse(kase("L16").returned().isEmpty());
            assertEquals("L16", a.id());
            assertEquals(engine.digest(), a.bundle());

            Action dispute = engine.escalate(kase("L25"), now);
            assertEquals(ActionKind.DISPUTE, dispute.action());
            assertNull(dispute.handler());
            assertNull(dispute.role());
            assertTrue(Json.action(dispute).contains("\"handler\":null,\"role\":null,\"unit\":null"), Json.action(dispute));

            Action open = engine.escalate(kase("L32"), now);
            assertEquals(ActionKind.SUSPENDED, open.action());
            assertNull(open.nextCheck());
            assertTrue(Json.action(open).contains("\"next_check\":null"), Json.action(open));
            assertNotNull(engine.escalate(kase("L33"), now).nextCheck());

            assertTrue(engine.escalate(kase("L09"), now).repinned());
            assertTrue(engine.escalate(kase("L62"), now).fallback());
            Action reopen = engine.escalate(kase("L58"), now);
            assertEquals(ActionKind.REOPEN, reopen.action());
            assertFalse(reopen.assist().isEmpty());

            Action explained = engine.escalate(kase("L16"), now, true);
            assertNotNull(explained.trace());
            assertTrue(Json.action(explained).contains("\"trace\":["), Json.action(explained));

            // A suspension that ends before it starts is the engine's to refuse (LX10), typed as well.
            RejectedException e = assertThrows(RejectedException.class, () -> engine.escalate(kase("LX10"), now));
            assertEquals(ActionKind.REJECTED, e.action().action());
            assertTrue(e.getMessage().contains("suspended/0/to"), e.getMessage());
        }
    }

    @Test
    void aCaseBuiltInJavaPinsItsRuleAndHandler() {
        try (Engine engine = Engine.load(lianshi)) {
            Case base = kase("L02");
            assertNull(base.rule());
            Case pinned = base.withRule("nuisance-in-estate");
            assertEquals("pm-jinxiu", engine.escalate(pinned, now).handler()); // L01: the pinned rule's owner
            assertEquals("council-xinhua", engine.escalate(base, now).handler());
            Case gone = base.withRule("no-such-rule").withHandler("no-such-handler");
            assertTrue(engine.escalate(gone, now).repinned());
            Case suspended = base.withSuspended(List.of(new Case.Suspension(now.minusSeconds(3600), null)));
            assertEquals(ActionKind.SUSPENDED, engine.escalate(suspended, now).action());
            Case returned = base.withReturned(List.of(new Case.Return("council-xinhua", now.minusSeconds(60), null)));
            Action a = engine.escalate(returned, now);
            assertEquals(ActionKind.REDISPATCH, a.action());
            assertEquals("council-xinhua-lx", a.handler());
        }
    }

    /** A case given by its location carries the cell found, on the struct path as in the JSON call's answer. */
    @Test
    void aLocatedCaseCarriesTheCellFound() throws Exception {
        try (Engine engine = Engine.load(lianshi)) {
            Instant at = Instant.parse("2026-12-03T01:30:00Z");
            Issue issue = new Issue("G", "nuisance.dog.stairwell", null, at, Map.of("private_property", true))
                    .withLocation(120.4326171875, 30.7109375);
            Instant when = Instant.parse("2026-12-09T02:00:00Z");
            Action a = engine.escalate(new Case(issue, 0, at, false, 0), when);
            assertEquals("xinhua-a-01", a.cell());
            String line = "{\"id\": \"G\", \"category\": \"nuisance.dog.stairwell\", "
                    + "\"location\": [120.4326171875, 30.7109375], \"at\": \"2026-12-03T09:30:00+08:00\", "
                    + "\"attrs\": {\"private_property\": true}, \"level\": 0, "
                    + "\"level_started_at\": \"2026-12-03T09:30:00+08:00\", \"responded\": false, \"reports\": 0, "
                    + "\"status\": \"open\"}";
            String viaJson = new String(engine.escalateJson(line.getBytes(StandardCharsets.UTF_8), when),
                    StandardCharsets.UTF_8);
            assertSameJson(viaJson, Json.action(a));
            Action byCell = engine.escalate(new Case(new Issue("G", "nuisance.dog.stairwell", "xinhua-a-01", at,
                    Map.of("private_property", true)), 0, at, false, 0), when);
            assertNull(byCell.cell());
            assertEquals(a.handler(), byCell.handler());
        }
    }

    /** A case book of the example's cases sweeps as escalateJsonl; replace and remove change the next sweep. */
    @Test
    void aCaseBookSweepsAsEscalateJsonl() throws Exception {
        String cases = Files.readString(lianshi.resolve("cases.jsonl"));
        try (Engine engine = Engine.load(lianshi); CaseBook book = engine.caseBook()) {
            assertEquals(0, book.add(cases));
            String want = engine.escalateJsonl(cases, now);
            assertEquals(want, book.sweepJsonl(now));
            Instant later = now.plusSeconds(86_400);
            assertEquals(engine.escalateJsonl(cases, later), book.sweepJsonl(later));
            String[] lines = want.split("\n");
            assertEquals(lines.length, book.size());
            List<String> in = new ArrayList<>();
            for (String l : cases.split("\n")) {
                if (!l.isBlank()) {
                    in.add(l);
                }
            }
            book.replace(0, in.get(in.size() - 1));
            assertEquals(lines[lines.length - 1], book.sweepJsonl(now).split("\n")[0]);
            book.remove(0);
            assertEquals(lines.length - 1, book.size());
            assertThrows(InvalidArgumentException.class, () -> book.remove(lines.length));
            InvalidArgumentException negative = assertThrows(InvalidArgumentException.class, () -> book.remove(-1));
            assertTrue(negative.getMessage().contains("got -1"), negative.getMessage());
            assertThrows(InvalidArgumentException.class, () -> book.replace(-1, in.get(0)));
        }
    }

    /**
     * A book is freed once: by close(), after which it refuses use and a second close() does nothing, or by the
     * cleaner when a book never closed is collected (as an Engine is).
     */
    @Test
    void aCaseBookIsFreedOnce() throws Exception {
        String cases = Files.readString(lianshi.resolve("cases.jsonl"));
        try (Engine engine = Engine.load(lianshi)) {
            CaseBook book = engine.caseBook();
            book.add(cases);
            book.close();
            book.close();
            assertThrows(IllegalStateException.class, book::size);
            for (int i = 0; i < 200; i++) {
                engine.caseBook().add(cases); // never closed: the cleaner frees each
            }
            System.gc();
            try (CaseBook again = engine.caseBook()) {
                again.add(cases);
                assertEquals(engine.escalateJsonl(cases, now), again.sweepJsonl(now));
            }
        }
    }

    /** Each answer of the struct path, written as JSON, is the JSON call's: the same members, in the same order. */
    @Test
    void theStructPathWritesWhatTheJsonCallsWrite() throws Exception {
        try (Engine engine = Engine.load(lianshi)) {
            int compared = 0;
            for (byte[] line : Golden.lines(lianshi.resolve("cases.jsonl"))) {
                Json.CaseLine in = Json.kase(line);
                if (!in.ok()) {
                    continue;
                }
                String viaJson;
                try {
                    viaJson = new String(engine.escalateJson(line, now), StandardCharsets.UTF_8);
                } catch (RejectedException e) {
                    continue;
                }
                assertSameJson(viaJson, Json.action(engine.escalate(in.kase(), now), in.id()));
                compared++;
            }
            for (byte[] line : Golden.lines(lianshi.resolve("issues.jsonl"))) {
                Json.IssueLine in = Json.issue(line);
                if (in.ok() && !RouteTyped.route(engine, line).contains("\"rejected\"")) {
                    assertSameJson(new String(engine.routeJson(line, false), StandardCharsets.UTF_8),
                            Json.decision(engine.route(in.issue()), in.id()));
                    compared++;
                }
            }
            assertTrue(compared > 80, compared + " lines compared");
        }
    }

    private static void assertSameJson(String want, String got) throws Exception {
        JsonNode w = Json.MAPPER.readTree(want);
        JsonNode g = Json.MAPPER.readTree(got);
        assertEquals(w, g, got);
        List<String> wk = new ArrayList<>();
        List<String> gk = new ArrayList<>();
        for (Iterator<String> it = w.fieldNames(); it.hasNext();) {
            wk.add(it.next());
        }
        for (Iterator<String> it = g.fieldNames(); it.hasNext();) {
            gk.add(it.next());
        }
        assertEquals(wk, gk, "the order of the members of " + got);
    }

    @Test
    void integerIdsAreWrittenBackAsIntegers() throws Exception {
        try (Engine engine = Engine.load(Golden.lanxi())) {
            for (String id : new String[] {"20261120001", "-7", "18446744073709551615"}) {
                byte[] line = ("{\"id\": " + id + ", \"category\": \"street.vending.gate\", \"cell\": \"qiaodong-a-01\","
                        + " \"at\": \"2026-11-20T09:15:00+08:00\"}").getBytes(StandardCharsets.UTF_8);
                JsonNode typed = Json.MAPPER.readTree(RouteTyped.route(engine, line));
                assertTrue(typed.get("id").isIntegralNumber(), typed.toString());
                assertEquals(id, typed.get("id").asText());
                assertEquals("routed", typed.get("status").asText());
                assertEquals(Json.MAPPER.readTree(engine.routeJson(line, false)), typed);
            }
            // An integer id has no range (SPEC §4): past 64 bits it is written back with its digits.
            for (String id : new String[] {"18446744073709551616", "-9223372036854775809", "20261203000000000000000001"}) {
                byte[] line = ("{\"id\": " + id + ", \"category\": \"street.vending.gate\", \"cell\": \"qiaodong-a-01\","
                        + " \"at\": \"2026-11-20T09:15:00+08:00\"}").getBytes(StandardCharsets.UTF_8);
                JsonNode typed = Json.MAPPER.readTree(RouteTyped.route(engine, line));
                assertTrue(typed.get("id").isIntegralNumber(), typed.toString());
                assertEquals(id, typed.get("id").bigIntegerValue().toString());
                assertEquals("routed", typed.get("status").asText());
                assertEquals(Json.MAPPER.readTree(engine.routeJson(line, false)), typed);
            }
        }
    }

    @Test
    void theDigestIsTheBundles() throws Exception {
        String a;
        try (Engine engine = Engine.load(Golden.lanxi())) {
            a = engine.digest();
            assertTrue(a.matches("[0-9a-f]{16,}"), a);
            try (Engine again = Engine.load(Golden.lanxi())) {
                assertEquals(a, again.digest());
            }
            Path lanxi = Golden.lanxi();
            engine.reloadSources(new Sources("lanxi", Files.readString(lanxi.resolve("jurisdiction.json")),
                    Files.readString(lanxi.resolve("rules.json")) + " ",
                    Map.of("units.csv", Files.readString(lanxi.resolve("units.csv")),
                            "handlers.csv", Files.readString(lanxi.resolve("handlers.csv")))));
            assertNotEquals(a, engine.digest());
        }
        Engine closed = Engine.load(Golden.lanxi());
        closed.close();
        assertThrows(IllegalStateException.class, closed::digest);
    }

    /** The binding's version is the C library's, and the build's: project(VERSION) in CMakeLists.txt. */
    @Test
    void theBindingVersionIsTheBuilds() throws Exception {
        Matcher m = Pattern.compile("project\\(gridroute VERSION ([0-9.]+)")
                .matcher(Files.readString(Golden.sourceDir().resolve("CMakeLists.txt")));
        assertTrue(m.find(), "no project(gridroute VERSION ...) in CMakeLists.txt");
        assertEquals(m.group(1), Gridroute.BINDING_VERSION);
        assertEquals(Gridroute.BINDING_VERSION, Gridroute.version());
        assertTrue(Gridroute.BINDING_VERSION.startsWith(Gridroute.BINDING_MAJOR + "." + Gridroute.BINDING_MINOR + "."));
    }
}
