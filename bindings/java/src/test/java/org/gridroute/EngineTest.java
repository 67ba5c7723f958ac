package org.gridroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The binding's API on small bundles: answers, errors, lifetime, time helpers. */
class EngineTest {
    static final String JURISDICTION = """
            {"format": "gridroute.jurisdiction/1", "name": "Test", "timezone": "Asia/Shanghai",
             "tiers": ["community", "area", "cell"],
             "units": [{"id": "c", "tier": "community"}, {"id": "a", "tier": "area", "parent": "c"},
                       {"id": "a-01", "tier": "cell", "parent": "a"}],
             "units_csv": "units.csv",
             "handlers": [{"id": "council", "role": "resident_council", "serves": ["c"]},
                          {"id": "council-2", "role": "resident_council", "serves": ["c"]}]}
            """;
    static final String RULES = """
            {"format": "gridroute.rules/1", "attributes": {"severity": "number", "private": "bool"},
             "categories": [{"code": "noise"}, {"code": "gas"}],
             "calendars": [{"id": "gov", "timezone": "Asia/Shanghai", "weekdays": [1, 2, 3, 4, 5],
                            "hours": [["08:30", "12:00"], ["13:30", "17:00"]], "holidays": [], "workdays": []}],
             "defaults": {"calendar": "gov", "sla": {"respond": "2h", "resolve": "1d"}},
             "rules": [{"id": "noise", "categories": ["noise"], "route": ["resident_council"]},
                       {"id": "gas", "categories": ["gas"], "route": [{"role": "partner_department", "department": "gas"}]}]}
            """;
    static final Map<String, String> FILES = Map.of("units.csv", "id,parent,tier,name\na-02,a,cell,二网格\n");
    static final Instant AT = Instant.parse("2026-11-20T01:00:00Z"); // 09:00 in Shanghai, a Friday

    static Engine small() {
        return Engine.fromSources(new Sources("test", JURISDICTION, RULES, FILES));
    }

    @Test
    void theLibraryVersionFitsTheBinding() {
        assertTrue(Gridroute.version().matches("\\d+\\.\\d+\\.\\d+"), Gridroute.version());
        assertEquals(Gridroute.BINDING_MAJOR, Gridroute.versionNumber() / 10000);
        assertNull(Gridroute.versionProblem(10400, "1.4.0"));
        assertNotNull(Gridroute.versionProblem(10300, "1.3.0")); // older than the release of this binding
        assertNotNull(Gridroute.versionProblem(10200, "1.2.0")); // older than the batch this binding calls
        assertNotNull(Gridroute.versionProblem(10100, "1.1.0")); // older than the case book this binding calls
        assertNull(Gridroute.versionProblem(10403, "1.4.3"));
        assertNotNull(Gridroute.versionProblem(10000, "1.0.0")); // older than the structs this binding writes
        assertNotNull(Gridroute.versionProblem(20000, "2.0.0"));
        assertTrue(Gridroute.versionProblem(20000, "2.0.0").contains("needs libgridroute 1.4"));
        assertEquals("bundle refused", Gridroute.statusString(3));
    }

    @Test
    void routesThroughTheStructPath() {
        try (Engine engine = small()) {
            Decision d = engine.route(new Issue("I-1", "noise", "a-02", AT, Map.of("severity", 2)));
            assertEquals(DecisionStatus.ROUTED, d.status());
            assertEquals("I-1", d.id());
            assertEquals("noise", d.rule());
            assertEquals("resident_council", d.role());
            assertNull(d.department());
            assertEquals("council", d.handler());
            assertEquals("c", d.unit());
            assertEquals(List.of("council-2"), d.alternates());
            assertEquals(List.of(), d.assist());
            assertEquals(0, d.level());
            assertNull(d.escalation());
            assertFalse(d.fallback());
            ZoneId shanghai = ZoneId.of("Asia/Shanghai");
            assertEquals(ZonedDateTime.of(2026, 11, 20, 11, 0, 0, 0, shanghai), d.respondBy());
            assertEquals(ZonedDateTime.of(2026, 11, 21, 9, 0, 0, 0, shanghai), d.resolveBy());
            assertEquals(shanghai, d.respondBy().getZone());
            assertNull(d.trace());
        }
    }

    @Test
    void unroutedIsAnAnswerNotAnException() {
        try (Engine engine = small()) {
            Decision d = engine.route(new Issue("I-2", "gas", "a-01", AT));
            assertEquals(DecisionStatus.UNROUTED, d.status());
            assertTrue(d.reason().contains("no handler"), d.reason());
            assertNull(d.handler());
        }
    }

    @Test
    void anUnknownCellIsRejectedWithTheEnginesReason() {
        try (Engine engine = small()) {
            RejectedException e = assertThrows(RejectedException.class,
                    () -> engine.route(new Issue("I-3", "noise", "nowhere", AT)));
            assertEquals("unknown cell 'nowhere'", e.getMessage());
            assertEquals(CApiCodes.REJECTED, e.code());
            assertEquals(DecisionStatus.REJECTED, e.decision().status());
            assertEquals("unknown cell 'nowhere'", e.decision().error());
            assertEquals("I-3", e.decision().id());

            e = assertThrows(RejectedException.class, () -> engine.route(new Issue("I-4", "noise", "a", AT)));
            assertTrue(e.getMessage().contains("not a cell"), e.getMessage());
            e = assertThrows(RejectedException.class, () -> engine.route(new Issue("I-5", "fireworks", "a-01", AT)));
            assertEquals("unknown category 'fireworks'", e.getMessage());
        }
    }

    @Test
    void attributesOfTheWrongTypeAreRejected() {
        try (Engine engine = small()) {
            assertEquals(DecisionStatus.ROUTED, engine.route(new Issue("ok", "noise", "a-01", AT,
                    attrs("severity", 3L, "private", true, "undeclared", Map.of("x", 1)))).status());
            for (Object bad : new Object[] {"3", true, null, Map.of(), List.of(), Double.POSITIVE_INFINITY, Double.NaN}) {
                RejectedException e = assertThrows(RejectedException.class,
                        () -> engine.route(new Issue("x", "noise", "a-01", AT, attrs("severity", bad))), String.valueOf(bad));
                assertTrue(e.getMessage().startsWith("attribute 'severity' must be"), e.getMessage());
            }
            assertThrows(RejectedException.class,
                    () -> engine.route(new Issue("x", "noise", "a-01", AT, attrs("private", 1))));
        }
    }

    @Test
    void valuesTheTypedApiCannotCarryAreInvalidArguments() {
        try (Engine engine = small()) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> engine.route(new Issue("x", "noise", "a-01", AT, attrs("severity", new Object()))));
            assertTrue(e.getMessage().contains("unsupported type"), e.getMessage());
            e = assertThrows(InvalidArgumentException.class,
                    () -> engine.route(new Issue("x\ud800", "noise", "a-01", AT)));
            assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
            // The message names the attribute; a non-ASCII string that is valid Unicode is routed.
            e = assertThrows(InvalidArgumentException.class,
                    () -> engine.route(new Issue("x", "noise", "a-01", AT, attrs("channel", "walk\udc00in"))));
            assertTrue(e.getMessage().contains("attribute 'channel'"), e.getMessage());
            e = assertThrows(InvalidArgumentException.class,
                    () -> engine.route(new Issue("x", "noise", "a-01", AT, attrs("chan\ud800", "walk_in"))));
            assertTrue(e.getMessage().contains("attribute name 'chan"), e.getMessage());
            assertEquals(DecisionStatus.ROUTED,
                    engine.route(new Issue("投诉-1", "noise", "a-01", AT, attrs("channel", "热线"))).status());
            e = assertThrows(InvalidArgumentException.class, () -> engine.route(new Issue("x", "noise", "a-01", null)));
            assertTrue(e.getMessage().contains("'at'"), e.getMessage());
            assertThrows(NullPointerException.class, () -> engine.route(null));
            // The engine still answers on this thread afterwards.
            assertEquals(DecisionStatus.ROUTED, engine.route(new Issue("y", "noise", "a-01", AT)).status());
            // The JSON calls and the time functions refuse an unpaired surrogate too: Java would send '?'
            // for it, and the answer would name an id the platform never sent.
            String line = "{\"id\": \"I-\ud800\", \"category\": \"noise\", \"cell\": \"a-01\", \"at\": \"2026-11-20T09:15:00+08:00\"}";
            e = assertThrows(InvalidArgumentException.class, () -> engine.routeJson(line));
            assertTrue(e.getMessage().contains("line is not valid Unicode: an unpaired surrogate"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> engine.routeJsonl(line + "\n"));
            assertThrows(InvalidArgumentException.class, () -> engine.escalateJson(line, java.time.Instant.now()));
            assertThrows(InvalidArgumentException.class, () -> engine.escalateJsonl(line, java.time.Instant.now()));
            assertThrows(InvalidArgumentException.class, () -> Gridroute.parseTime("2026-11-20T09:15:00+08:00\udc00"));
            assertThrows(InvalidArgumentException.class, () -> Gridroute.formatTime(0, "Asia/Shanghai\ud800"));
            // A '?' of the caller's own is sent as it is.
            assertTrue(engine.routeJson(line.replace("\ud800", "?")).contains("\"id\": \"I-?\""));
        }
    }

    @Test
    void recordsRefuseWhatTheyCannotMean() {
        // No status is a slip, not an open case; a return names who returned it; a load limit is 0 or more.
        Issue issue = new Issue("x", "noise", "a-01", AT);
        assertThrows(NullPointerException.class, () -> new Case(issue, 0, AT, false, 0, null, null));
        assertThrows(NullPointerException.class, () -> new Case.Return(null, AT, "not ours"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.DEFAULTS.withMaxErrors(-1));
        assertTrue(e.getMessage().contains("maxErrors=-1"), e.getMessage());
        assertEquals(5, LoadOptions.DEFAULTS.withMaxErrors(5).maxErrors());
    }

    @Test
    void explainAddsTheTrace() {
        try (Engine engine = small()) {
            Decision d = engine.explain(new Issue("I-1", "noise", "a-01", AT));
            assertEquals("council", d.handler());
            assertTrue(d.trace().contains("\"trace\""), d.trace());
            assertTrue(d.trace().contains("\"won\""), d.trace());
            String json = new String(engine.routeJson(
                    "{\"id\": \"I-1\", \"category\": \"noise\", \"cell\": \"a-01\", \"at\": \"2026-11-20T09:00:00+08:00\"}"
                            .getBytes(StandardCharsets.UTF_8), true), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"trace\""), json);
        }
    }

    @Test
    void theJsonPathsAnswerAsTheCliDoes() throws Exception {
        try (Engine engine = small()) {
            String line = "{\"id\": \"J-1\", \"category\": \"noise\", \"cell\": \"a-01\", \"at\": \"2026-11-20T09:00:00+08:00\"}";
            assertEquals("{\"id\": \"J-1\", \"status\": \"routed\", \"rule\": \"noise\", \"role\": \"resident_council\", "
                    + "\"handler\": \"council\", \"unit\": \"c\", \"alternates\": [\"council-2\"], \"assist\": [], \"level\": 0, "
                    + "\"escalation\": null, \"respond_by\": \"2026-11-20T11:00:00+08:00\", "
                    + "\"resolve_by\": \"2026-11-21T09:00:00+08:00\", \"bundle\": \"" + engine.digest() + "\"}",
                    engine.routeJson(line));
            RejectedException e = assertThrows(RejectedException.class, () -> engine.routeJson("{\"id\": \"J-2\""));
            assertTrue(e.record().startsWith("{\"id\": null, \"status\": \"rejected\""), e.record());
            String input = line + "\n\n  \n{broken\n" + line.replace("J-1", "J-3") + "\n";
            String batch = engine.routeJsonl(input);
            String[] out = batch.split("\n");
            assertEquals(3, out.length, batch);
            assertTrue(out[1].contains("\"rejected\""), out[1]);
            assertTrue(out[2].contains("\"J-3\""), out[2]);
            assertEquals("", engine.routeJsonl(""));

            ByteArrayOutputStream streamed = new ByteArrayOutputStream();
            engine.routeJsonl(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), streamed, 64);
            assertEquals(batch, streamed.toString(StandardCharsets.UTF_8));
        }
    }

    /** An input stream of {@code head}, then {@code n} bytes of 'x' (never held in memory), then {@code tail}. */
    static java.io.InputStream longLine(String head, long n, String tail) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8), t = tail.getBytes(StandardCharsets.UTF_8);
        return new java.io.InputStream() {
            long at = 0;

            @Override
            public int read() {
                long total = h.length + n + t.length;
                if (at >= total) {
                    return -1;
                }
                long i = at++;
                return i < h.length ? h[(int) i] : i < h.length + n ? 'x' : t[(int) (i - h.length - n)];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int k = 0;
                for (; k < len; k++) {
                    int c = read();
                    if (c < 0) {
                        break;
                    }
                    b[off + k] = (byte) c;
                }
                return k == 0 && len > 0 ? -1 : k;
            }
        };
    }

    @Test
    void aStreamedLineOverTheLimitIsAnsweredAsTheCliAnswersIt() throws Exception {
        try (Engine engine = small()) {
            String line = "{\"id\": \"J-1\", \"category\": \"noise\", \"cell\": \"a-01\", \"at\": \"2026-11-20T09:00:00+08:00\"}";
            // 3 MB between two good lines, in blocks of 4 KiB: the long line is counted, not kept.
            ByteArrayOutputStream streamed = new ByteArrayOutputStream();
            engine.routeJsonl(longLine(line + "\n", 3_000_000, "\n" + line.replace("J-1", "J-2") + "\n"), streamed, 4096);
            String[] out = streamed.toString(StandardCharsets.UTF_8).split("\n");
            assertEquals(3, out.length);
            assertTrue(out[0].contains("\"J-1\"") && out[0].contains("routed"), out[0]);
            assertEquals("{\"id\": null, \"status\": \"rejected\", \"error\": \"the line is 3000000 bytes, over the limit of "
                    + "1048576 bytes per line (--max-line-bytes)\", \"bundle\": \"" + engine.digest() + "\"}", out[1]);
            assertTrue(out[2].contains("\"J-2\"") && out[2].contains("routed"), out[2]);
            // The same text in one batch call gives the same record: the library's own.
            String whole = line + "\n" + "x".repeat(3_000_000) + "\n";
            assertEquals(out[1], engine.routeJsonl(whole).split("\n")[1]);
            // An over-long last line without its newline, in a case stream.
            ByteArrayOutputStream cases = new ByteArrayOutputStream();
            engine.escalateJsonl(longLine("", 2_000_000, ""), cases, AT, 4096);
            assertTrue(cases.toString(StandardCharsets.UTF_8).startsWith(
                    "{\"id\": null, \"action\": \"rejected\", \"error\": \"the line is 2000000 bytes"), cases.toString());
        }
    }

    @Test
    void aStreamThatPausesGetsTheAnswersSoFar() throws Exception {
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        java.io.PipedInputStream in = new java.io.PipedInputStream(feed, 1 << 16);
        java.io.PipedInputStream answers = new java.io.PipedInputStream(1 << 16);
        java.io.PipedOutputStream out = new java.io.PipedOutputStream(answers);
        try (Engine engine = small()) {
            Thread worker = new Thread(() -> {
                try {
                    engine.routeJsonl(in, out, 1 << 20);
                    out.close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            worker.start();
            String line = "{\"id\": \"P-1\", \"category\": \"noise\", \"cell\": \"a-01\", \"at\": \"2026-11-20T09:00:00+08:00\"}\n";
            feed.write(line.getBytes(StandardCharsets.UTF_8));
            feed.flush();
            // One line in, far less than a block, and the input still open: its answer comes out.
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(answers, StandardCharsets.UTF_8));
            String first = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), r::readLine);
            assertTrue(first.contains("\"P-1\"") && first.contains("routed"), first);
            feed.close();
            worker.join(20_000);
            assertFalse(worker.isAlive());
        }
    }

    @Test
    void escalatesACase() {
        try (Engine engine = small()) {
            Issue issue = new Issue("C-1", "noise", "a-01", AT);
            Action hold = engine.escalate(new Case(issue, 0, AT, false, 0), AT.plusSeconds(600));
            assertEquals(ActionKind.HOLD, hold.action());
            assertEquals("C-1", hold.id());
            assertEquals("council", hold.handler());
            assertEquals(ZonedDateTime.of(2026, 11, 20, 11, 0, 0, 0, ZoneId.of("Asia/Shanghai")), hold.nextCheck());
            assertEquals(List.of(), hold.reasons());

            // No policy: the case has level 0 only, so a missed deadline is overdue.
            Action late = engine.escalate(new Case(issue, 0, AT, false, 0), AT.plusSeconds(3 * 3600));
            assertEquals(ActionKind.OVERDUE, late.action());
            assertEquals(List.of(Reason.MISSED_RESPOND), late.reasons());

            RejectedException e = assertThrows(RejectedException.class,
                    () -> engine.escalate(new Case(new Issue("C-2", "noise", "nowhere", AT), 0, AT, false, 0), AT));
            assertEquals(ActionKind.REJECTED, e.action().action());
            assertEquals("unknown cell 'nowhere'", e.action().error());
            e = assertThrows(RejectedException.class,
                    () -> engine.escalate(new Case(new Issue("C-3", "gas", "a-01", AT), 0, AT, false, 0), AT));
            assertEquals(ActionKind.REJECTED, e.action().action());
            assertThrows(InvalidArgumentException.class, () -> engine.escalate(new Case(null, 0, AT, false, 0), AT));
        }
    }

    @Test
    void aBadBundleListsEveryProblemWithFileAndLine() throws Exception {
        Path dir = Golden.tmp().resolve("bad-bundle");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("jurisdiction.json"), JURISDICTION);
        Files.writeString(dir.resolve("units.csv"), FILES.get("units.csv"));
        Files.writeString(dir.resolve("rules.json"), RULES.replace("\"route\": [\"resident_council\"]",
                "\"route\": [\"resident_council\"], \"colour\": \"red\"").replace("\"department\": \"gas\"}]",
                "\"department\": \"gas\"}], \"size\": 3"));
        BundleException e = assertThrows(BundleException.class, () -> Engine.load(dir));
        assertEquals(CApiCodes.BUNDLE, e.code());
        assertTrue(e.getMessage().startsWith("bundle refused"), e.getMessage());
        assertTrue(e.file().endsWith("rules.json"), e.file());
        assertTrue(e.line() > 0, "line " + e.line());
        assertTrue(e.column() > 0, "column " + e.column());
        assertFalse(e.pointer().isEmpty());
        assertEquals(2, e.diagnostics().size(), e.diagnostics().toString());
        for (Diagnostic d : e.diagnostics()) {
            assertEquals(Diagnostic.Severity.ERROR, d.severity());
            assertTrue(d.text().startsWith(d.file() + ":" + d.line() + ":"), d.text());
        }
        assertEquals("/rules/0/colour", e.pointer());
        assertEquals("/rules/1/size", e.diagnostics().get(1).pointer());
        assertEquals("unknown field 'size'", e.diagnostics().get(1).message());

        BundleException first = assertThrows(BundleException.class,
                () -> Engine.load(dir, LoadOptions.DEFAULTS.withMaxErrors(1)));
        assertEquals(1, first.diagnostics().size());

        BundleException missing = assertThrows(BundleException.class, () -> Engine.load(dir.resolve("nothing-here")));
        assertTrue(missing.getMessage().contains("nothing-here"), missing.getMessage());
    }

    @Test
    void checkListsLintFindings() {
        try (Engine engine = small()) {
            assertThrows(IllegalArgumentException.class, () -> engine.check(-1));
            List<Diagnostic> findings = engine.check();
            assertEquals(2, findings.size(), findings.toString());
            for (Diagnostic d : findings) {
                assertEquals(Diagnostic.Severity.WARNING, d.severity());
                assertTrue(d.file().endsWith("rules.json"), d.file());
            }
            assertTrue(findings.get(0).message().contains("coverage hole"), findings.toString());
        }
    }

    @Test
    void reloadSwapsTheBundleAndAFailedReloadKeepsTheOldOne() throws Exception {
        try (Engine engine = small()) {
            Issue issue = new Issue("R-1", "noise", "a-01", AT);
            assertEquals("council", engine.route(issue).handler());
            engine.reloadSources(new Sources("test", JURISDICTION.replace("\"id\": \"council\", ", "\"id\": \"elders\", "),
                    RULES, FILES));
            assertEquals("elders", engine.route(issue).handler());
            assertThrows(BundleException.class, () -> engine.reloadSources(new Sources("{}", RULES)));
            assertEquals("elders", engine.route(issue).handler());
            engine.reload(Golden.lanxi());
            assertThrows(RejectedException.class, () -> engine.route(issue)); // lanxi has no cell a-01
            assertThrows(BundleException.class, () -> engine.reload(Golden.lanxi().resolve("missing")));
            assertEquals("qiaodong", engine.route(new Issue("R-2", "env.noise.loudspeaker", "qiaodong-a-01", AT)).unit());
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        Engine engine = small();
        assertFalse(engine.isClosed());
        engine.close();
        engine.close();
        assertTrue(engine.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> engine.route(new Issue("x", "noise", "a-01", AT)));
        assertTrue(e.getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, () -> engine.routeJsonl("{}"));
        assertThrows(IllegalStateException.class, engine::check);
    }

    @Test
    void timesParseAndFormatAsTheEngineDoes() {
        long t = Gridroute.parseTime("2026-11-20T09:15:00+08:00");
        assertEquals(Instant.parse("2026-11-20T01:15:00Z"), Gridroute.parseInstant("2026-11-20T09:15:00+08:00"));
        assertEquals(Instant.parse("2026-11-20T01:15:00Z").toEpochMilli() * 1000, t);
        assertEquals("2026-11-20T09:15:00+08:00", Gridroute.formatTime(t, "Asia/Shanghai"));
        assertEquals("2026-11-20T09:15:00+08:00", Gridroute.formatTime(Instant.ofEpochSecond(t / 1_000_000), "Asia/Shanghai"));
        assertEquals(Gridroute.parseTime("2026-11-20 09:15:00+08:00"), t);
        assertThrows(InvalidArgumentException.class, () -> Gridroute.parseTime("2026-11-20T09:15:00"));
        assertThrows(InvalidArgumentException.class, () -> Gridroute.parseTime(""));
        assertThrows(InvalidArgumentException.class, () -> Gridroute.formatTime(t, "Mars/Olympus"));
    }

    private static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The C status codes, as the tests name them. */
    @Test
    void anIssueKeepsItsAttributesInOrderAndUnchangeable() {
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("severity", 3);
        given.put("channel", "hotline");
        given.put("note", null);
        given.put("private", true);
        Issue issue = new Issue("A-1", "noise", "a-01", AT, given);
        given.put("later", 1); // the issue keeps its own copy
        assertEquals(List.of("severity", "channel", "note", "private"), List.copyOf(issue.attrs().keySet()));
        assertEquals(4, issue.attrs().size());
        assertEquals("hotline", issue.attrs().get("channel"));
        assertTrue(issue.attrs().containsKey("note"));
        assertNull(issue.attrs().get("note"));
        assertFalse(issue.attrs().containsKey("later"));
        Map<String, Object> same = new LinkedHashMap<>(given);
        same.remove("later");
        assertEquals(same, issue.attrs());
        assertEquals(issue.attrs(), same);
        assertEquals(same.hashCode(), issue.attrs().hashCode());
        assertEquals(issue, new Issue("A-1", "noise", "a-01", AT, same));
        assertThrows(UnsupportedOperationException.class, () -> issue.attrs().put("x", 1));
        assertThrows(UnsupportedOperationException.class, () -> issue.attrs().remove("severity"));
        assertEquals(Map.of(), new Issue("A-2", "noise", "a-01", AT).attrs());
        assertEquals(5, issue.withAttr("floor", 4).attrs().size());
        try (Engine engine = small()) { // and the engine reads them as given
            Decision d = engine.route(issue);
            assertEquals(DecisionStatus.ROUTED, d.status());
            Map<String, Object> wrong = new LinkedHashMap<>(same);
            wrong.put("severity", "high");
            RejectedException e = assertThrows(RejectedException.class,
                    () -> engine.route(new Issue("A-3", "noise", "a-01", AT, wrong)));
            assertTrue(e.getMessage().contains("severity"), e.getMessage());
        }
    }

    /**
     * Ids of every length (below, at and above the eight bytes read at a time), more of them than the
     * binding remembers, and deadlines that differ from call to call: the struct path reads each as
     * the JSON path writes it, call after call.
     */
    @Test
    void theStructPathReadsEveryIdAndTimeAsTheJsonPathWritesThem() {
        int cells = 3000;
        StringBuilder units = new StringBuilder("id,parent,tier,name\n");
        StringBuilder handlers = new StringBuilder("[");
        String[] handler = new String[cells];
        for (int i = 0; i < cells; i++) {
            String cell = "c" + "-".repeat(i % 19) + i;
            units.append('"').append(cell).append("\",a,cell,\n");
            handler[i] = "h" + "x".repeat(i % 56) + i; // 2 to 60 bytes
            handlers.append(i == 0 ? "" : ",").append("{\"id\": \"").append(handler[i])
                    .append("\", \"role\": \"resident_council\", \"serves\": [\"").append(cell).append("\"]}");
        }
        String jurisdiction = JURISDICTION.replace("\"handlers\": [", "\"handlers\": " + handlers + ", ")
                .replace("{\"id\": \"council\", \"role\": \"resident_council\", \"serves\": [\"c\"]},", "");
        try (Engine engine = Engine.fromSources(new Sources("ids", jurisdiction, RULES,
                Map.of("units.csv", units.toString())))) {
            java.util.regex.Pattern respond = java.util.regex.Pattern.compile("\"respond_by\": \"([^\"]+)\"");
            for (int round = 0; round < 2; round++) {
                for (int k = 0; k < cells; k++) {
                    int i = round == 0 ? k : (k * 7919) % cells;
                    String cell = "c" + "-".repeat(i % 19) + i;
                    Instant at = AT.plusSeconds(60L * (i % 600));
                    Issue issue = new Issue("I-" + i, "noise", cell, at);
                    Decision d = engine.route(issue);
                    assertEquals(handler[i], d.handler(), cell);
                    assertEquals(cell, d.unit());
                    String json = engine.routeJson(String.format(
                            "{\"id\": \"I-%d\", \"category\": \"noise\", \"cell\": \"%s\", \"at\": \"%s\"}", i,
                            cell, at));
                    java.util.regex.Matcher m = respond.matcher(json);
                    assertTrue(m.find(), json);
                    assertEquals(java.time.OffsetDateTime.parse(m.group(1)), d.respondBy().toOffsetDateTime(), json);
                    assertEquals(engine.digest(), d.bundle());
                }
            }
        }
    }

    static final class CApiCodes {
        static final int BUNDLE = 3;
        static final int REJECTED = 4;
    }
}
