package org.gridroute;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Why a case escalates or reopens (an action's {@code reasons}), with its C bit (GRIDROUTE_REASON_*). */
public enum Reason {
    MISSED_RESPOND(0x1, "missed_respond"),
    MISSED_RESOLVE(0x2, "missed_resolve"),
    REPEAT_REPORTS(0x4, "repeat_reports"),
    LOW_RATING(0x8, "low_rating"),
    /** Since 1.1: the owner sent the case back (redispatch, dispute). */
    RETURNED(0x10, "returned");

    private final int bit;
    private final String wire;

    Reason(int bit, String wire) {
        this.bit = bit;
        this.wire = wire;
    }

    /** The C bit. */
    public int bit() {
        return bit;
    }

    /** The name in JSON, e.g. {@code "missed_respond"}. */
    public String wireName() {
        return wire;
    }

    /** The reasons set in a C bit mask, in declaration order. */
    public static List<Reason> of(int bits) {
        if (bits == 0) {
            return List.of();
        }
        List<Reason> out = new ArrayList<>(2);
        for (Reason r : values()) {
            if ((bits & r.bit) != 0) {
                out.add(r);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
