package org.gridroute.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.gridroute.Action;
import org.gridroute.ActionKind;
import org.gridroute.Case;
import org.gridroute.CaseStatus;
import org.gridroute.Decision;
import org.gridroute.Gridroute;
import org.gridroute.GridrouteException;
import org.gridroute.Issue;
import org.gridroute.Reason;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of SPEC §4 and §6 for the typed API, with Jackson: an issue or case line into an {@link Issue} or
 * {@link Case} (with its lifecycle: pinned rule and handler, returns, suspensions, extension), and a
 * {@link Decision} or {@link Action} back into a line, as {@code gridroute route} and {@code gridroute
 * escalate} write them. A line that cannot become an issue or a case (bad JSON, not an object, a missing or
 * mistyped field) is answered as the CLI answers it: a {@code rejected} record, with the id when the line
 * is a JSON object whose id is a string or an integer. An integer id (contract 1.1) is the issue's id in
 * decimal, and is written back as the integer it was.
 */
public final class Json {
    private Json() {}

    /** Strict JSON: trailing data and NaN are errors, as in the engine's own reader (repeated keys: below). */
    public static final ObjectMapper MAPPER = new ObjectMapper(new JsonFactory())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * One line read for the typed path: an issue, or the error of a line that is not one; {@code id} is the
     * line's id as JSON (a string or an integer; JSON null when it could not be read).
     */
    public record IssueLine(JsonNode id, Issue issue, String error, JsonNode node) {
        public boolean ok() {
            return issue != null;
        }
    }

    /** One line read as a case: a case, or the id (as JSON) and error of a line that is not one. */
    public record CaseLine(JsonNode id, Case kase, String error) {
        public boolean ok() {
            return kase != null;
        }
    }

    private static final JsonNode NO_ID = com.fasterxml.jackson.databind.node.NullNode.getInstance();
    /** The line's id as the engine reads it (a string, or an integer of any length); else null. */
    static JsonNode lineId(JsonNode o) {
        JsonNode id = o == null ? null : o.get("id");
        if (id == null) {
            return NO_ID;
        }
        // An integer id has no range (SPEC §4): Jackson holds one past 64 bits as a BigInteger, and writes
        // it back with the same digits.
        if (id.isTextual() || id.isIntegralNumber()) {
            return id;
        }
        return NO_ID;
    }

    private static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;
        final JsonNode id;

        Bad(JsonNode id, String message) {
            super(message, null, false, false);
            this.id = id == null ? NO_ID : id;
        }
    }

    /** Reads one issue line (UTF-8, without its newline). */
    public static IssueLine issue(byte[] line) {
        JsonNode o;
        try {
            o = object(line);
        } catch (Bad b) {
            return new IssueLine(b.id, null, b.getMessage(), null);
        }
        JsonNode id = lineId(o);
        try {
            return new IssueLine(id, issue(o), null, o);
        } catch (Bad b) {
            return new IssueLine(b.id, null, b.getMessage(), o);
        }
    }

    /**
     * Reads one case line: an issue's fields plus level, level_started_at, responded, reports, status, rating,
     * and the lifecycle (SPEC §6): rule, handler, returned, suspended, extended_to (null counts as absent).
     */
    public static CaseLine kase(byte[] line) {
        JsonNode o;
        try {
            o = object(line);
        } catch (Bad b) {
            return new CaseLine(b.id, null, b.getMessage());
        }
        JsonNode id = lineId(o);
        try {
            Issue issue = issue(o);
            int level = integer(o, id, "level");
            Instant started = time(o, id, "level_started_at");
            boolean responded = bool(o, id, "responded");
            long reports = longInteger(o, id, "reports");
            String status = string(o, id, "status");
            CaseStatus st = switch (status) {
                case "open" -> CaseStatus.OPEN;
                case "resolved" -> CaseStatus.RESOLVED;
                default -> throw new Bad(id, "field 'status' must be \"open\" or \"resolved\", got " + o.get("status"));
            };
            Integer rating = o.hasNonNull("rating") ? integer(o, id, "rating") : null;
            String rule = optionalString(o, id, "rule");
            String handler = optionalString(o, id, "handler");
            List<Case.Return> returned = new java.util.ArrayList<>();
            for (JsonNode r : entries(o, id, "returned", Set.of("handler", "at", "reason"))) {
                returned.add(new Case.Return(string(r, id, "handler"), time(r, id, "at"), optionalString(r, id, "reason")));
            }
            List<Case.Suspension> suspended = new java.util.ArrayList<>();
            for (JsonNode x : entries(o, id, "suspended", Set.of("from", "to"))) {
                suspended.add(new Case.Suspension(time(x, id, "from"), x.hasNonNull("to") ? time(x, id, "to") : null));
            }
            Instant extendedTo = o.hasNonNull("extended_to") ? time(o, id, "extended_to") : null;
            return new CaseLine(id, new Case(issue, level, started, responded, reports, st, rating, rule, handler,
                    returned, suspended, extendedTo), null);
        } catch (Bad b) {
            return new CaseLine(b.id, null, b.getMessage());
        }
    }

    private static JsonNode object(byte[] line) throws Bad {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line));
        } catch (CharacterCodingException e) {
            throw new Bad(null, "invalid UTF-8 in the line");
        }
        JsonNode o;
        String repeated;
        try {
            repeated = repeatedKey(line);
            o = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new Bad(null, "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (o == null || !o.isObject()) {
            throw new Bad(null, "a line must be a JSON object");
        }
        if (!wellFormed(o)) {
            throw new Bad(null, "invalid JSON: an unpaired surrogate in a \\u escape");
        }
        if (repeated != null) {
            // The line is JSON, so its id is still read, unless the id itself is the repeated key.
            JsonNode id = repeated.equals("/id") ? NO_ID : lineId(o);
            throw new Bad(id, "duplicate key at " + repeated + " (a key may appear once in an object)");
        }
        return o;
    }

    /** The JSON pointer of the first key that appears twice in one object, or null; syntax errors throw. */
    private static String repeatedKey(byte[] line) throws IOException {
        String first = null;
        Deque<Set<String>> keys = new ArrayDeque<>();
        try (JsonParser p = MAPPER.getFactory().createParser(line)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT -> keys.push(new HashSet<>());
                    case END_OBJECT -> keys.pop();
                    case FIELD_NAME -> {
                        if (!keys.peek().add(p.currentName()) && first == null) {
                            StringBuilder b = new StringBuilder();
                            for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
                                b.insert(0, "/" + (c.inObject() ? c.getCurrentName().replace("~", "~0").replace("/", "~1")
                                        : Integer.toString(c.getCurrentIndex())));
                            }
                            first = b.toString();
                        }
                    }
                    default -> { }
                }
            }
        }
        return first;
    }

    /** Whether every string and key in {@code n} is valid Unicode (JSON escapes can encode half a pair). */
    private static boolean wellFormed(JsonNode n) {
        if (n.isTextual()) {
            return unicode(n.textValue());
        }
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!unicode(e.getKey()) || !wellFormed(e.getValue())) {
                    return false;
                }
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                if (!wellFormed(c)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean unicode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static Issue issue(JsonNode o) throws Bad {
        JsonNode idNode = o.get("id");
        if (idNode == null) {
            throw new Bad(NO_ID, "missing field 'id'");
        }
        JsonNode id = lineId(o);
        if (id.isNull()) {
            throw new Bad(NO_ID, "field 'id' must be a string or an integer, got " + idNode);
        }
        String category = string(o, id, "category");
        String cell = null;
        Issue.Location location = null;
        if (!o.hasNonNull("cell") && o.hasNonNull("location")) { // SPEC §7: a place instead of a cell
            JsonNode loc = o.get("location");
            if (!loc.isArray() || loc.size() != 2 || !loc.get(0).isNumber() || !loc.get(1).isNumber()) {
                throw new Bad(id, "field 'location' must be [longitude, latitude], got " + loc);
            }
            location = new Issue.Location(loc.get(0).doubleValue(), loc.get(1).doubleValue());
        } else {
            cell = string(o, id, "cell");
        }
        Instant at = time(o, id, "at");
        Map<String, Object> attrs = new LinkedHashMap<>();
        JsonNode a = o.get("attrs");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw new Bad(id, "field 'attrs' must be an object, got " + a);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                attrs.put(e.getKey(), value(e.getValue()));
            }
        }
        return new Issue(id.asText(), category, cell, at, attrs, location);
    }

    /** An attribute's JSON value as the typed API takes it. */
    private static Object value(JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isObject()) {
            return Map.of();
        }
        if (v.isArray()) {
            return List.of();
        }
        return null;
    }

    private static JsonNode field(JsonNode o, JsonNode id, String name) throws Bad {
        JsonNode v = o.get(name);
        if (v == null) {
            throw new Bad(id, "missing field '" + name + "'");
        }
        return v;
    }

    private static String string(JsonNode o, JsonNode id, String name) throws Bad {
        JsonNode v = field(o, id, name);
        if (!v.isTextual()) {
            throw new Bad(id, "field '" + name + "' must be a string, got " + v);
        }
        return v.textValue();
    }

    private static Instant time(JsonNode o, JsonNode id, String name) throws Bad {
        String s = string(o, id, name);
        try {
            return Gridroute.parseInstant(s);
        } catch (GridrouteException e) {
            throw new Bad(id, "field '" + name + "' must be an RFC 3339 time with an offset, got \"" + s + "\"");
        }
    }

    /** An optional string: null when absent or null. */
    private static String optionalString(JsonNode o, JsonNode id, String name) throws Bad {
        return o.hasNonNull(name) ? string(o, id, name) : null;
    }

    /** A lifecycle list (returned, suspended): absent or null is empty; each entry an object of known keys. */
    private static List<JsonNode> entries(JsonNode o, JsonNode id, String name, Set<String> keys) throws Bad {
        if (!o.hasNonNull(name)) {
            return List.of();
        }
        JsonNode v = o.get(name);
        if (!v.isArray()) {
            throw new Bad(id, "field '" + name + "' must be a list, got " + v);
        }
        List<JsonNode> out = new java.util.ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isObject()) {
                throw new Bad(id, "field '" + name + "/" + i + "' must be an object, got " + e);
            }
            for (Iterator<String> it = e.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (!keys.contains(k)) {
                    throw new Bad(id, "field '" + name + "/" + i + "': unknown field '" + k + "'");
                }
            }
            out.add(e);
        }
        return out;
    }

    private static int integer(JsonNode o, JsonNode id, String name) throws Bad {
        JsonNode v = field(o, id, name);
        if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
            throw new Bad(id, "field '" + name + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    /** A JSON integer of 64 bits, or a number with an integral value of at most 1e15, as the engine reads it. */
    private static long longInteger(JsonNode o, JsonNode id, String name) throws Bad {
        JsonNode v = field(o, id, name);
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong()
                || (v.isFloatingPointNumber() && Math.abs(v.doubleValue()) > 1e15)) {
            throw new Bad(id, "field '" + name + "' must be an integer, got " + v);
        }
        return v.longValue();
    }

    private static boolean bool(JsonNode o, JsonNode id, String name) throws Bad {
        JsonNode v = field(o, id, name);
        if (!v.isBoolean()) {
            throw new Bad(id, "field '" + name + "' must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    // ---- writing answers

    /** RFC 3339 as the engine writes times: the fraction only when there is one, the offset always ±hh:mm. */
    private static final DateTimeFormatter RFC3339 = new java.time.format.DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral('T').appendPattern("HH:mm:ss")
            .appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 6, true)
            .appendOffset("+HH:MM", "+00:00").toFormatter();

    /** A decision as the JSON object of SPEC §4 (one line, no newline), its id written as a string. */
    public static String decision(Decision d) {
        return decision(d, d.id() == null ? NO_ID : com.fasterxml.jackson.databind.node.TextNode.valueOf(d.id()));
    }

    /** A decision as {@code gridroute route} writes it, with the id as the line gave it ({@link IssueLine#id()}). */
    public static String decision(Decision d, JsonNode id) {
        return write(g -> {
            g.writeFieldName("id");
            g.writeTree(id);
            g.writeStringField("status", d.status().wireName());
            if (d.cell() != null) {
                g.writeStringField("cell", d.cell());
            }
            switch (d.status()) {
                case UNROUTED -> g.writeStringField("reason", d.reason());
                case REJECTED -> g.writeStringField("error", d.error());
                case ROUTED -> {
                    g.writeStringField("rule", d.rule());
                    if (d.fallback()) {
                        g.writeBooleanField("fallback", true);
                    }
                    g.writeStringField("role", d.role());
                    if (d.department() != null) {
                        g.writeStringField("department", d.department());
                    }
                    g.writeStringField("handler", d.handler());
                    g.writeStringField("unit", d.unit());
                    list(g, "alternates", d.alternates());
                    list(g, "assist", d.assist());
                    g.writeNumberField("level", d.level());
                    g.writeStringField("escalation", d.escalation());
                    time(g, "respond_by", d.respondBy());
                    time(g, "resolve_by", d.resolveBy());
                }
            }
            if (d.status() != org.gridroute.DecisionStatus.REJECTED) {
                trace(g, d.trace());
            }
            bundle(g, d.bundle());
        });
    }

    /** The {@code rejected} record of a line the typed path could not build, or the engine rejected. */
    public static String rejected(JsonNode id, String error) {
        return rejected(id, error, null);
    }

    /** A {@code rejected} record with the bundle's digest, as the engine writes every answer. */
    public static String rejected(JsonNode id, String error, String bundle) {
        return write(g -> {
            g.writeFieldName("id");
            g.writeTree(id == null ? NO_ID : id);
            g.writeStringField("status", "rejected");
            g.writeStringField("error", error);
            bundle(g, bundle);
        });
    }

    /** An action as the JSON object of SPEC §4, its id written as a string. */
    public static String action(Action a) {
        return action(a, a.id() == null ? NO_ID : com.fasterxml.jackson.databind.node.TextNode.valueOf(a.id()));
    }

    /** An action as {@code gridroute escalate} writes it, with the id as the line gave it ({@link CaseLine#id()}). */
    public static String action(Action a, JsonNode id) {
        return write(g -> {
            g.writeFieldName("id");
            g.writeTree(id);
            g.writeStringField("action", a.action().wireName());
            if (a.action() == ActionKind.REJECTED) {
                g.writeStringField("error", a.error());
                bundle(g, a.bundle());
                return;
            }
            if (a.cell() != null) {
                g.writeStringField("cell", a.cell());
            }
            g.writeNumberField("level", a.level());
            if (a.action() == ActionKind.DISPUTE) {
                g.writeNullField("handler");
                g.writeNullField("role");
                g.writeNullField("unit");
            } else {
                g.writeStringField("handler", a.handler());
                g.writeStringField("role", a.role());
                if (a.department() != null) {
                    g.writeStringField("department", a.department());
                }
                g.writeStringField("unit", a.unit());
            }
            if (a.action().moves() || a.repinned()) { // a re-pinning answer names the rule whatever its action
                g.writeStringField("rule", a.rule());
            }
            if (a.action().moves()) {
                list(g, "assist", a.assist());
            }
            g.writeArrayFieldStart("reasons");
            for (Reason r : a.reasons()) {
                g.writeString(r.wireName());
            }
            g.writeEndArray();
            if (a.action() == ActionKind.HOLD || a.action() == ActionKind.SUSPENDED) {
                time(g, "next_check", a.nextCheck());
            } else if (a.action().moves()) {
                time(g, "respond_by", a.respondBy());
                time(g, "resolve_by", a.resolveBy());
            }
            if (a.repinned()) {
                g.writeBooleanField("repinned", true);
            }
            trace(g, a.trace());
            bundle(g, a.bundle());
        });
    }

    /** The {@code rejected} record of a case line. */
    public static String rejectedCase(JsonNode id, String error) {
        return rejectedCase(id, error, null);
    }

    /** The {@code rejected} record of a case line, with the bundle's digest. */
    public static String rejectedCase(JsonNode id, String error, String bundle) {
        return write(g -> {
            g.writeFieldName("id");
            g.writeTree(id == null ? NO_ID : id);
            g.writeStringField("action", "rejected");
            g.writeStringField("error", error);
            bundle(g, bundle);
        });
    }

    private static void bundle(JsonGenerator g, String bundle) throws IOException {
        if (bundle != null) {
            g.writeStringField("bundle", bundle);
        }
    }

    /** The {@code "trace"} member of an explained answer (which the binding holds whole). */
    private static void trace(JsonGenerator g, String whole) throws IOException {
        if (whole == null) {
            return;
        }
        JsonNode t = MAPPER.readTree(whole).get("trace");
        if (t != null) {
            g.writeFieldName("trace");
            g.writeTree(t);
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(w)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void list(JsonGenerator g, String name, List<String> items) throws IOException {
        g.writeArrayFieldStart(name);
        for (String s : items) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    private static void time(JsonGenerator g, String name, ZonedDateTime t) throws IOException {
        if (t == null) {
            g.writeNullField(name);
        } else {
            // An offset with seconds (a local mean time before standard zones: Shanghai's +08:05:43
            // before 1901) is written in whole minutes, cut toward zero, with the clock in that offset,
            // as the engine writes it: the text names the same instant.
            final int off = t.getOffset().getTotalSeconds();
            final ZonedDateTime w = off % 60 == 0 ? t
                    : t.withZoneSameInstant(java.time.ZoneOffset.ofTotalSeconds(off - off % 60));
            g.writeStringField(name, RFC3339.format(w));
        }
    }
}
