package org.gridroute.internal;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

import org.gridroute.Decision;
import org.gridroute.DecisionStatus;

import java.util.List;

/**
 * {@code gridroute_decision} and the reading of a {@link Decision} from it. The thread's decision lives in
 * its {@link Scratch}; it is released after every call, so it never holds a snapshot between calls. To add a
 * field: add it to the field list and to {@link #read}.
 */
@FieldOrder({"struct_size", "status", "rule", "role", "department", "handler", "unit", "escalation", "alternates",
        "alternate_count", "assist", "assist_count", "level", "reserved_", "respond_by", "resolve_by", "message",
        "timezone", "json", "hold_", "fallback", "reserved2_", "bundle", "cell"})
public class DecisionStruct extends Structure {
    public int struct_size;
    public int status;
    public Structs.GrString rule;
    public Structs.GrString role;
    public Structs.GrString department;
    public Structs.GrString handler;
    public Structs.GrString unit;
    public Structs.GrString escalation;
    public Pointer alternates;
    public long alternate_count;
    public Pointer assist;
    public long assist_count;
    public int level;
    public int reserved_;
    public long respond_by;
    public long resolve_by;
    public Structs.GrString message;
    public Structs.GrString timezone;
    public Structs.GrString json;
    public Pointer hold_;
    public int fallback;
    public int reserved2_;
    public Structs.GrString bundle;
    public Structs.GrString cell;

    private static final DecisionStruct L = new DecisionStruct();
    /** sizeof(gridroute_decision) as this binding knows it. */
    public static final int SIZE = L.size();
    private static final int STRUCT_SIZE = L.fieldOffset("struct_size");
    private static final int STATUS = L.fieldOffset("status");
    private static final int RULE = L.fieldOffset("rule");
    private static final int ROLE = L.fieldOffset("role");
    private static final int DEPARTMENT = L.fieldOffset("department");
    private static final int HANDLER = L.fieldOffset("handler");
    private static final int UNIT = L.fieldOffset("unit");
    private static final int ESCALATION = L.fieldOffset("escalation");
    private static final int ALTERNATES = L.fieldOffset("alternates");
    private static final int ALTERNATE_COUNT = L.fieldOffset("alternate_count");
    private static final int ASSIST = L.fieldOffset("assist");
    private static final int ASSIST_COUNT = L.fieldOffset("assist_count");
    private static final int LEVEL = L.fieldOffset("level");
    private static final int RESPOND_BY = L.fieldOffset("respond_by");
    private static final int RESOLVE_BY = L.fieldOffset("resolve_by");
    private static final int MESSAGE = L.fieldOffset("message");
    private static final int TIMEZONE = L.fieldOffset("timezone");
    private static final int JSON = L.fieldOffset("json");
    private static final int FALLBACK = L.fieldOffset("fallback");
    private static final int BUNDLE = L.fieldOffset("bundle");
    private static final int CELL = L.fieldOffset("cell");

    /** Sets a zeroed decision to GRIDROUTE_DECISION_INIT. */
    static void init(Pointer p) {
        p.setInt(STRUCT_SIZE, SIZE);
    }

    /** Writes GRIDROUTE_DECISION_INIT at offset {@code at} of the heap copy {@code v}. */
    static void init(byte[] v, int at) {
        java.util.Arrays.fill(v, at, at + SIZE, (byte) 0);
        Bytes.putInt(v, at + STRUCT_SIZE, SIZE);
    }

    /** The status code of the filled decision (0 before the first route). */
    public static int status(Scratch s) {
        return s.decision.getInt(STATUS);
    }

    /** The decision for the issue {@code id}, read from this thread's filled gridroute_decision. */
    public static Decision read(String id, Scratch s) {
        return read(id, s, s.decisionBytes(), 0);
    }

    /**
     * The decision for the issue {@code id}, read from the heap copy {@code v} of a filled gridroute_decision
     * at offset {@code at} (an element of an array of decisions).
     */
    static Decision read(String id, Scratch s, byte[] v, int at) {
        DecisionStatus status = DecisionStatus.of(Bytes.getInt(v, at + STATUS));
        String trace = Scratch.string(v, at + JSON);
        String bundle = s.id(v, at + BUNDLE);
        String cell = s.id(v, at + CELL);
        switch (status) {
            case UNROUTED:
                return new Decision(id, status, null, null, null, null, null, cell, List.of(), List.of(), 0, null,
                        null, null, false, Scratch.string(v, at + MESSAGE), null, bundle, trace);
            case REJECTED:
                return new Decision(id, status, null, null, null, null, null, cell, List.of(), List.of(), 0, null,
                        null, null, false, null, Scratch.string(v, at + MESSAGE), bundle, trace);
            default:
                break;
        }
        long respondBy = Bytes.getLong(v, at + RESPOND_BY);
        long resolveBy = Bytes.getLong(v, at + RESOLVE_BY);
        String tz = respondBy == CApi.TIME_NONE && resolveBy == CApi.TIME_NONE ? null : s.id(v, at + TIMEZONE);
        return new Decision(id, status, s.id(v, at + RULE), s.id(v, at + ROLE), s.id(v, at + DEPARTMENT),
                s.id(v, at + HANDLER), s.id(v, at + UNIT), cell,
                list(s, Bytes.getLong(v, at + ALTERNATES), Bytes.getLong(v, at + ALTERNATE_COUNT)),
                list(s, Bytes.getLong(v, at + ASSIST), Bytes.getLong(v, at + ASSIST_COUNT)), Bytes.getInt(v, at + LEVEL),
                s.id(v, at + ESCALATION), s.zoned(respondBy, tz), s.zoned(resolveBy, tz),
                Bytes.getInt(v, at + FALLBACK) != 0, null, null, bundle, trace);
    }

    /** An array of {@code count} gridroute_string at {@code ptr}: read in one go, then each text. */
    static List<String> list(Scratch s, long ptr, long count) {
        if (ptr == 0 || count == 0) {
            return List.of();
        }
        if (count > (Integer.MAX_VALUE >> 4)) {
            throw new IllegalStateException("gridroute: a list of " + count + " strings");
        }
        byte[] raw = new byte[(int) count * 16];
        RawMemory.copy(ptr, raw);
        String[] out = new String[(int) count];
        for (int i = 0; i < out.length; i++) {
            long p = Bytes.getLong(raw, i * 16);
            out[i] = p == 0 ? "" : s.id(p, Bytes.getLong(raw, i * 16 + 8));
        }
        return List.of(out);
    }
}
