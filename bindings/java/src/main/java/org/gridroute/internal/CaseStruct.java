package org.gridroute.internal;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

import org.gridroute.Case;
import org.gridroute.CaseStatus;

import java.util.List;


/**
 * {@code gridroute_case} and the writing of a {@link Case} into the thread's {@link Scratch}: the case
 * first, its issue (an {@link IssueStruct}) and the attributes behind it, then its returns and suspensions
 * (SPEC §6), then the strings. To add a field: add it to the field list and to {@link #layout}.
 */
@FieldOrder({"struct_size", "level", "issue", "level_started_at", "reports", "responded", "resolved", "rating",
        "reserved_", "rule", "rule_len", "handler", "handler_len", "returned", "returned_count", "suspended",
        "suspended_count", "extended_to"})
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
    public Pointer rule;
    public long rule_len;
    public Pointer handler;
    public long handler_len;
    public Pointer returned;
    public long returned_count;
    public Pointer suspended;
    public long suspended_count;
    public long extended_to;

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
    private static final int RULE = L.fieldOffset("rule");
    private static final int HANDLER = L.fieldOffset("handler");
    private static final int RETURNED = L.fieldOffset("returned");
    private static final int RETURNED_COUNT = L.fieldOffset("returned_count");
    private static final int SUSPENDED = L.fieldOffset("suspended");
    private static final int SUSPENDED_COUNT = L.fieldOffset("suspended_count");
    private static final int EXTENDED_TO = L.fieldOffset("extended_to");

    /** {@code gridroute_return} (never changes: used in arrays). */
    @FieldOrder({"handler", "handler_len", "at", "reason", "reason_len"})
    public static class ReturnStruct extends Structure {
        public Pointer handler;
        public long handler_len;
        public long at;
        public Pointer reason;
        public long reason_len;

        static final ReturnStruct R = new ReturnStruct();
        static final int SIZE = R.size();
        static final int HANDLER = R.fieldOffset("handler");
        static final int AT = R.fieldOffset("at");
        static final int REASON = R.fieldOffset("reason");
    }

    /** {@code gridroute_suspension} (never changes: used in arrays). */
    @FieldOrder({"from", "to"})
    public static class SuspensionStruct extends Structure {
        public long from;
        public long to;

        static final SuspensionStruct S = new SuspensionStruct();
        static final int SIZE = S.size();
        static final int FROM = S.fieldOffset("from");
        static final int TO = S.fieldOffset("to");
    }

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
        // The lifecycle's strings, staged after the issue's: packed offset and length, -1 << 32 for null.
        long rule = stage(s, "field 'rule'", c.rule());
        long handler = stage(s, "field 'handler'", c.handler());
        List<Case.Return> returns = c.returned();
        long[] retHandler = new long[returns.size()];
        long[] retReason = new long[returns.size()];
        for (int i = 0; i < returns.size(); i++) {
            Case.Return r = returns.get(i);
            if (r == null) {
                throw new org.gridroute.InvalidArgumentException("field 'returned/" + i + "' is null");
            }
            retHandler[i] = stage(s, "field 'returned/" + i + "/handler'", r.handler());
            retReason[i] = stage(s, "field 'returned/" + i + "/reason'", r.reason());
        }
        List<Case.Suspension> suspensions = c.suspended();
        int returnsAt = structs;
        int suspensionsAt = returnsAt + returns.size() * ReturnStruct.SIZE;
        structs = suspensionsAt + suspensions.size() * SuspensionStruct.SIZE;

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
        putString(v, RULE, base, structs, rule);
        putString(v, HANDLER, base, structs, handler);
        Bytes.putLong(v, RETURNED, returns.isEmpty() ? 0 : base + returnsAt);
        Bytes.putLong(v, RETURNED_COUNT, returns.size());
        for (int i = 0; i < returns.size(); i++) {
            int r = returnsAt + i * ReturnStruct.SIZE;
            putString(v, r + ReturnStruct.HANDLER, base, structs, retHandler[i]);
            Bytes.putLong(v, r + ReturnStruct.AT, Times.micros("field 'returned/" + i + "/at'", returns.get(i).at()));
            putString(v, r + ReturnStruct.REASON, base, structs, retReason[i]);
        }
        Bytes.putLong(v, SUSPENDED, suspensions.isEmpty() ? 0 : base + suspensionsAt);
        Bytes.putLong(v, SUSPENDED_COUNT, suspensions.size());
        for (int i = 0; i < suspensions.size(); i++) {
            Case.Suspension x = suspensions.get(i);
            if (x == null) {
                throw new org.gridroute.InvalidArgumentException("field 'suspended/" + i + "' is null");
            }
            int p = suspensionsAt + i * SuspensionStruct.SIZE;
            Bytes.putLong(v, p + SuspensionStruct.FROM, Times.micros("field 'suspended/" + i + "/from'", x.from()));
            Bytes.putLong(v, p + SuspensionStruct.TO, Times.micros("field 'suspended/" + i + "/to'", x.to()));
        }
        Bytes.putLong(v, EXTENDED_TO, Times.micros("field 'extended_to'", c.extendedTo()));
        return s.commit(structs);
    }

    private static long stage(Scratch s, String field, String v) {
        if (v == null) {
            return -1L << 32;
        }
        int off = s.stage(field, v);
        return ((long) off << 32) | (s.stagedLength() - off);
    }

    /** A pointer + length pair into the block's strings: NULL and 0 for an absent string. */
    private static void putString(byte[] v, int off, long base, int strings, long packed) {
        int staged = (int) (packed >> 32);
        Bytes.putLong(v, off, staged < 0 ? 0 : base + strings + staged);
        Bytes.putLong(v, off + 8, staged < 0 ? 0 : (int) packed);
    }
}
