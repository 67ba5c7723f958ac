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
 * The JSON of SPEC §4 for the typed API, with Jackson: an issue or case line into an {@link Issue} or
 * {@link Case}, and a {@link Decision} or {@link Action} back into a line. A line that cannot become an
 * issue (bad JSON, not an object, a missing or mistyped field) is answered as {@code gridroute route}
 * answers it: a {@code rejected} record, with the id when the line is a JSON object whose id is a string.
 */
public final class Json {
    private Json() {}

    /** Strict JSON: trailing data and NaN are errors, as in the engine's own reader (repeated keys: below). */
    public static final ObjectMapper MAPPER = new ObjectMapper(new JsonFactory())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** One line read for the typed path: an issue, or the id and error of a line that is not one. */
    public record IssueLine(String id, Issue issue, String error, JsonNode node) {
        public boolean ok() {
            return issue != null;
        }
    }

    /** One line read as a case: a case, or the id and error of a line that is not one. */
    public record CaseLine(String id, Case kase, String error) {
        public boolean ok() {
            return kase != null;
        }
    }

    private static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;
        final String id;

        Bad(String id, String message) {
            super(message, null, false, false);
            this.id = id;
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
        String id = o.path("id").isTextual() ? o.get("id").textValue() : null;
        try {
            return new IssueLine(id, issue(o), null, o);
        } catch (Bad b) {
            return new IssueLine(b.id, null, b.getMessage(), o);
        }
    }

    /** Reads one case line (an issue's fields plus level, level_started_at, responded, reports, status, rating). */
    public static CaseLine kase(byte[] line) {
        JsonNode o;
        try {
            o = object(line);
        } catch (Bad b) {
            return new CaseLine(b.id, null, b.getMessage());
        }
        String id = o.path("id").isTextual() ? o.get("id").textValue() : null;
        try {
            Issue issue = issue(o);
            int level = integer(o, id, "level");
            Instant started = time(o, id, "level_started_at");
            boolean responded = bool(o, id, "responded");
            long reports = integer(o, id, "reports");
            String status = string(o, id, "status");
            CaseStatus st = switch (status) {
                case "open" -> CaseStatus.OPEN;
                case "resolved" -> CaseStatus.RESOLVED;
                default -> throw new Bad(id, "field 'status' must be \"open\" or \"resolved\", got " + o.get("status"));
            };
            Integer rating = o.hasNonNull("rating") ? integer(o, id, "rating") : null;
            return new CaseLine(id, new Case(issue, level, started, responded, reports, st, rating), null);
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
            String id = !repeated.equals("/id") && o.path("id").isTextual() ? o.get("id").textValue() : null;
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
            throw new Bad(null, "missing field 'id'");
        }
        if (!idNode.isTextual()) {
            throw new Bad(null, "field 'id' must be a string, got " + idNode);
        }
        String id = idNode.textValue();
        String category = string(o, id, "category");
        String cell = string(o, id, "cell");
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
        return new Issue(id, category, cell, at, attrs);
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

    private static JsonNode field(JsonNode o, String id, String name) throws Bad {
        JsonNode v = o.get(name);
        if (v == null) {
            throw new Bad(id, "missing field '" + name + "'");
        }
        return v;
    }

    private static String string(JsonNode o, String id, String name) throws Bad {
        JsonNode v = field(o, id, name);
        if (!v.isTextual()) {
            throw new Bad(id, "field '" + name + "' must be a string, got " + v);
        }
        return v.textValue();
    }

    private static Instant time(JsonNode o, String id, String name) throws Bad {
        String s = string(o, id, name);
        try {
            return Gridroute.parseInstant(s);
        } catch (GridrouteException e) {
            throw new Bad(id, "field '" + name + "' must be an RFC 3339 time with an offset, got \"" + s + "\"");
        }
    }

    private static int integer(JsonNode o, String id, String name) throws Bad {
        JsonNode v = field(o, id, name);
        if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
            throw new Bad(id, "field '" + name + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static boolean bool(JsonNode o, String id, String name) throws Bad {
        JsonNode v = field(o, id, name);
        if (!v.isBoolean()) {
            throw new Bad(id, "field '" + name + "' must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    // ---- writing answers

    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    /** A decision as the JSON object of SPEC §4 (one line, no newline). */
    public static String decision(Decision d) {
        return write(g -> {
            g.writeStringField("id", d.id());
            g.writeStringField("status", d.status().wireName());
            switch (d.status()) {
                case UNROUTED -> g.writeStringField("reason", d.reason());
                case REJECTED -> g.writeStringField("error", d.error());
                case ROUTED -> {
                    g.writeStringField("rule", d.rule());
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
                    if (d.fallback()) {
                        g.writeBooleanField("fallback", true);
                    }
                }
            }
        });
    }

    /** The {@code rejected} record of a line the typed path could not build, or the engine rejected. */
    public static String rejected(String id, String error) {
        return write(g -> {
            g.writeStringField("id", id);
            g.writeStringField("status", "rejected");
            g.writeStringField("error", error);
        });
    }

    /** An action as the JSON object of SPEC §4. */
    public static String action(Action a) {
        return write(g -> {
            g.writeStringField("id", a.id());
            g.writeStringField("action", a.action().wireName());
            if (a.action() == org.gridroute.ActionKind.REJECTED) {
                g.writeStringField("error", a.error());
                return;
            }
            g.writeNumberField("level", a.level());
            g.writeStringField("handler", a.handler());
            g.writeStringField("role", a.role());
            if (a.department() != null) {
                g.writeStringField("department", a.department());
            }
            g.writeArrayFieldStart("reasons");
            for (Reason r : a.reasons()) {
                g.writeString(r.wireName());
            }
            g.writeEndArray();
            if (a.nextCheck() != null) {
                time(g, "next_check", a.nextCheck());
            }
            if (a.respondBy() != null) {
                time(g, "respond_by", a.respondBy());
            }
            if (a.resolveBy() != null) {
                time(g, "resolve_by", a.resolveBy());
            }
        });
    }

    /** The {@code rejected} record of a case line. */
    public static String rejectedCase(String id, String error) {
        return write(g -> {
            g.writeStringField("id", id);
            g.writeStringField("action", "rejected");
            g.writeStringField("error", error);
        });
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
            g.writeStringField(name, RFC3339.format(t));
        }
    }
}
