package org.gridroute;

/** A case's {@code status} (SPEC §4): open or resolved. */
public enum CaseStatus {
    OPEN("open"),
    RESOLVED("resolved");

    private final String wire;

    CaseStatus(String wire) {
        this.wire = wire;
    }

    /** The name in JSON, e.g. {@code "open"}. */
    public String wireName() {
        return wire;
    }
}
