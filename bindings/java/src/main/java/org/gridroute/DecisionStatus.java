package org.gridroute;

/** A decision's {@code status} (SPEC §4), with its C code ({@code gridroute_decision_status}). */
public enum DecisionStatus {
    /** An owner was found. */
    ROUTED(1, "routed"),
    /** No rule gave an owner: {@link Decision#reason()} says why. */
    UNROUTED(2, "unrouted"),
    /** A bad issue: {@link Decision#error()} says why. */
    REJECTED(3, "rejected");

    private final int code;
    private final String wire;

    DecisionStatus(int code, String wire) {
        this.code = code;
        this.wire = wire;
    }

    /** The value of the C enum. */
    public int code() {
        return code;
    }

    /** The name in JSON, e.g. {@code "routed"}. */
    public String wireName() {
        return wire;
    }

    /** The status of a C code. */
    public static DecisionStatus of(int code) {
        for (DecisionStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new InternalException("unknown decision status " + code + " from libgridroute " + Gridroute.version()
                + ": this binding (" + Gridroute.BINDING_VERSION + ") is older than the library");
    }
}
