package org.gridroute.internal;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

import org.gridroute.Action;
import org.gridroute.ActionKind;
import org.gridroute.Reason;

import java.util.List;

/**
 * {@code gridroute_action} and the reading of an {@link Action} from it. The thread's action lives in its
 * {@link Scratch} and is released after every call. To add a field: add it to the field list and to
 * {@link #read}.
 */
@FieldOrder({"struct_size", "kind", "level", "reasons", "handler", "role", "department", "unit", "rule",
        "escalation", "next_check", "respond_by", "resolve_by", "message", "timezone", "hold_", "assist",
        "assist_count", "repinned", "fallback", "bundle", "json", "cell"})
public class ActionStruct extends Structure {
    public int struct_size;
    public int kind;
    public int level;
    public int reasons;
    public Structs.GrString handler;
    public Structs.GrString role;
    public Structs.GrString department;
    public Structs.GrString unit;
    public Structs.GrString rule;
    public Structs.GrString escalation;
    public long next_check;
    public long respond_by;
    public long resolve_by;
    public Structs.GrString message;
    public Structs.GrString timezone;
    public Pointer hold_;
    public Pointer assist;
    public long assist_count;
    public int repinned;
    public int fallback;
    public Structs.GrString bundle;
    public Structs.GrString json;
    public Structs.GrString cell;

    private static final ActionStruct L = new ActionStruct();
    /** sizeof(gridroute_action) as this binding knows it. */
    public static final int SIZE = L.size();
    private static final int STRUCT_SIZE = L.fieldOffset("struct_size");
    private static final int KIND = L.fieldOffset("kind");
    private static final int LEVEL = L.fieldOffset("level");
    private static final int REASONS = L.fieldOffset("reasons");
    private static final int HANDLER = L.fieldOffset("handler");
    private static final int ROLE = L.fieldOffset("role");
    private static final int DEPARTMENT = L.fieldOffset("department");
    private static final int UNIT = L.fieldOffset("unit");
    private static final int RULE = L.fieldOffset("rule");
    private static final int ESCALATION = L.fieldOffset("escalation");
    private static final int NEXT_CHECK = L.fieldOffset("next_check");
    private static final int RESPOND_BY = L.fieldOffset("respond_by");
    private static final int RESOLVE_BY = L.fieldOffset("resolve_by");
    private static final int MESSAGE = L.fieldOffset("message");
    private static final int TIMEZONE = L.fieldOffset("timezone");
    private static final int ASSIST = L.fieldOffset("assist");
    private static final int ASSIST_COUNT = L.fieldOffset("assist_count");
    private static final int REPINNED = L.fieldOffset("repinned");
    private static final int FALLBACK = L.fieldOffset("fallback");
    private static final int BUNDLE = L.fieldOffset("bundle");
    private static final int JSON = L.fieldOffset("json");
    private static final int CELL = L.fieldOffset("cell");

    /** Sets a zeroed action to GRIDROUTE_ACTION_INIT. */
    static void init(Pointer p) {
        p.setInt(STRUCT_SIZE, SIZE);
    }

    /** The kind code of the filled action (0 before the first call). */
    public static int kind(Scratch s) {
        return s.action.getInt(KIND);
    }

    /** The action for the case {@code id}, read from this thread's filled gridroute_action. */
    public static Action read(String id, Scratch s) {
        byte[] v = s.actionBytes();
        ActionKind kind = ActionKind.of(Bytes.getInt(v, KIND));
        String bundle = s.id(v, BUNDLE);
        String trace = Scratch.string(v, JSON);
        if (kind == ActionKind.REJECTED) {
            return new Action(id, kind, Bytes.getInt(v, LEVEL), null, null, null, null, null, null, List.of(), List.of(),
                    null, null, null, false, false, Scratch.string(v, MESSAGE), bundle, trace);
        }
        String tz = s.id(v, TIMEZONE);
        return new Action(id, kind, Bytes.getInt(v, LEVEL), s.id(v, HANDLER), s.id(v, ROLE), s.id(v, DEPARTMENT),
                s.id(v, UNIT), s.id(v, RULE), s.id(v, ESCALATION),
                DecisionStruct.list(s, Bytes.getLong(v, ASSIST), Bytes.getLong(v, ASSIST_COUNT)),
                Reason.of(Bytes.getInt(v, REASONS)), s.zoned(Bytes.getLong(v, NEXT_CHECK), tz),
                s.zoned(Bytes.getLong(v, RESPOND_BY), tz), s.zoned(Bytes.getLong(v, RESOLVE_BY), tz),
                Bytes.getInt(v, REPINNED) != 0, Bytes.getInt(v, FALLBACK) != 0, null, bundle, trace, s.id(v, CELL));
    }
}
