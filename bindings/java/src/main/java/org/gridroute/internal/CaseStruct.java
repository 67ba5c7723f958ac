package org.gridroute.internal;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

import org.gridroute.Case;
import org.gridroute.CaseStatus;


/**
 * {@code gridroute_case} and the writing of a {@link Case} into the thread's {@link Scratch}: the case
 * first, its issue (an {@link IssueStruct}) behind it, then the attributes and strings. To add a field: add
 * it to the field list and to {@link #write}.
 */
@FieldOrder({"struct_size", "level", "issue", "level_started_at", "reports", "responded", "resolved", "rating",
        "reserved_"})
public class CaseStruct extends Structure {
    public int struct_size;
    public int level;
    public Pointer issue;
    public long level_started_at;
    public long reports;
    public int responded;
    public int resolved;
    public int rating;
    public int reserved_;

    private static final CaseStruct L = new CaseStruct();
    /** sizeof(gridroute_case) as this binding knows it (a multiple of 8, so the issue behind it is aligned). */
    public static final int SIZE = L.size();
    private static final int STRUCT_SIZE = L.fieldOffset("struct_size");
    private static final int LEVEL = L.fieldOffset("level");
    private static final int ISSUE = L.fieldOffset("issue");
    private static final int LEVEL_STARTED_AT = L.fieldOffset("level_started_at");
    private static final int REPORTS = L.fieldOffset("reports");
    private static final int RESPONDED = L.fieldOffset("responded");
    private static final int RESOLVED = L.fieldOffset("resolved");
    private static final int RATING = L.fieldOffset("rating");
    private static final int RESERVED = L.fieldOffset("reserved_");

    /**
     * Lays the case out in the scratch block; returns the pointer to pass as {@code const gridroute_case *}.
     * Returns null for a rating of 0: the struct's 0 means "no rating", so an explicit 0 (outside 1..5, like
     * any other bad rating) cannot be passed and the caller rejects the case itself.
     */
    public static Pointer layout(Scratch s, Case c) {
        if (c.rating() != null && c.rating() == 0) {
            return null;
        }
        s.resetStrings();
        int structs = SIZE;
        if (c.issue() != null) {
            structs += IssueStruct.stage(s, s.staged, c.issue());
        }
        byte[] v = s.layout(structs);
        long base = s.blockAddress();
        if (c.issue() != null) {
            IssueStruct.write(v, SIZE, base, structs, s.staged, c.issue());
        }
        Bytes.putInt(v, STRUCT_SIZE, SIZE);
        Bytes.putInt(v, LEVEL, c.level());
        Bytes.putLong(v, ISSUE, c.issue() == null ? 0 : base + SIZE);
        Bytes.putLong(v, LEVEL_STARTED_AT, Times.micros("field 'level_started_at'", c.levelStartedAt()));
        Bytes.putLong(v, REPORTS, c.reports());
        Bytes.putInt(v, RESPONDED, c.responded() ? 1 : 0);
        Bytes.putInt(v, RESOLVED, c.status() == CaseStatus.RESOLVED ? 1 : 0);
        Bytes.putInt(v, RATING, c.rating() == null ? 0 : c.rating());
        Bytes.putInt(v, RESERVED, 0);
        return s.commit(structs);
    }
}
