package org.gridroute;

/** An action's {@code action} (SPEC §3.5, §4), with its C code ({@code gridroute_action_kind}). */
public enum ActionKind {
    /** A resolved case that stays resolved. */
    NONE(1, "none"),
    /** Nothing is due yet: {@link Action#nextCheck()} says when to look again. */
    HOLD(2, "hold"),
    /** The case moves up to {@link Action#level()}, with new deadlines from now. */
    ESCALATE(3, "escalate"),
    /** A resolved case rated badly is reopened one level up. */
    REOPEN(4, "reopen"),
    /** It would escalate past the last level: it stays where it is. */
    OVERDUE(5, "overdue"),
    /** A bad case: {@link Action#error()} says why. */
    REJECTED(6, "rejected"),
    /** Since 1.1: the owner returned the case (SPEC §6.2): a new owner at the same level, new deadlines from now. */
    REDISPATCH(7, "redispatch"),
    /** Since 1.1: returned, and nobody is left: a person must rule; no handler, no role. */
    DISPUTE(8, "dispute"),
    /** Since 1.1: the clock is stopped (SPEC §6.3); {@link Action#nextCheck()} is when it starts again (null: open-ended). */
    SUSPENDED(9, "suspended");

    private final int code;
    private final String wire;

    ActionKind(int code, String wire) {
        this.code = code;
        this.wire = wire;
    }

    /** The value of the C enum. */
    public int code() {
        return code;
    }

    /** The name in JSON, e.g. {@code "escalate"}. */
    public String wireName() {
        return wire;
    }

    /** Whether the case gets a new owner: escalate, reopen, redispatch (their actions carry the rule, the assists
     * and new deadlines). */
    public boolean moves() {
        return this == ESCALATE || this == REOPEN || this == REDISPATCH;
    }

    /** The kind of a C code. */
    public static ActionKind of(int code) {
        for (ActionKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new InternalException("unknown action kind " + code + " from libgridroute " + Gridroute.version()
                + ": this binding (" + Gridroute.BINDING_VERSION + ") is older than the library");
    }
}
