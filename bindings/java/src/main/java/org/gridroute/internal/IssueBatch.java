package org.gridroute.internal;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import org.gridroute.Decision;
import org.gridroute.DecisionStatus;
import org.gridroute.InvalidArgumentException;
import org.gridroute.Issue;
import org.gridroute.NoMemoryException;

import java.util.List;

/**
 * Issues laid out for {@code gridroute_engine_route_batch}, and the decisions it fills: an array of
 * {@code gridroute_issue} followed by their attributes and strings, and an array of
 * {@code gridroute_decision}. Both arrays are contiguous, every element of the binding's struct size, each
 * in native memory of its own that is reused chunk after chunk, written and read in one heap copy, and
 * freed by {@link #close()}. Not API; one per call, used by one thread.
 *
 * <p>An issue the binding cannot lay out (an attribute of an unsupported type, a string that is not valid
 * Unicode, no time) is replaced by an issue the library rejects (one without an id), so that its decision
 * comes from the same snapshot as the others'; the binding's reason then takes the place of the library's.
 */
public final class IssueBatch implements AutoCloseable {
    private final int capacity;
    /** The decisions: {@code capacity} gridroute_decision, each GRIDROUTE_DECISION_INIT when not filled. */
    private final long decisions;
    private final byte[] decisionBytes;
    /**
     * How many decisions the calls so far may have filled: kept filled from chunk to chunk (the library
     * drops a decision's old answer and reuses its memory when the array is passed again) and released
     * together by {@link #close()}, one call instead of one a decision a chunk.
     */
    private int held;
    private boolean closed;

    /** The issues, their attributes and their strings (grown as needed), and its heap copy. */
    private long block;
    private byte[] blockBytes = new byte[0];

    private final IssueStruct.Staged[] staged;
    /** Per issue of the chunk: why the binding could not lay it out, or null. */
    private final String[] refused;
    private int count;

    /** A batch of up to {@code capacity} (> 0) issues a chunk. */
    public IssueBatch(int capacity) {
        if (capacity <= 0 || capacity > Integer.MAX_VALUE / DecisionStruct.SIZE) {
            throw new IllegalArgumentException("gridroute: a batch of " + capacity + " issues");
        }
        this.capacity = capacity;
        decisionBytes = new byte[capacity * DecisionStruct.SIZE];
        for (int i = 0; i < capacity; i++) {
            DecisionStruct.init(decisionBytes, i * DecisionStruct.SIZE);
        }
        decisions = malloc(decisionBytes.length);
        RawMemory.copyOut(decisionBytes, decisions, decisionBytes.length);
        staged = new IssueStruct.Staged[capacity];
        refused = new String[capacity];
    }

    private static long malloc(long size) {
        long p = Native.malloc(size);
        if (p == 0) {
            throw new NoMemoryException("gridroute: cannot allocate " + size + " bytes for a batch of issues");
        }
        return p;
    }

    /** The array of decisions to pass as {@code gridroute_decision *out}. */
    public Pointer decisions() {
        return new Pointer(decisions);
    }

    /**
     * Lays out {@code issues[from, from + n)} (n at most the capacity), with the thread's scratch for their
     * strings; returns the array to pass as {@code const gridroute_issue *issues}.
     */
    public Pointer layout(Scratch s, List<Issue> issues, int from, int n) {
        if (n <= 0 || n > capacity) {
            throw new IllegalArgumentException("gridroute: a chunk of " + n + " issues in a batch of " + capacity);
        }
        // First the strings of every issue, so that the size of the block is known; then the structs.
        s.resetStrings();
        int attrBytes = 0;
        for (int i = 0; i < n; i++) {
            IssueStruct.Staged st = staged[i];
            if (st == null) {
                st = staged[i] = new IssueStruct.Staged();
            }
            refused[i] = null;
            int mark = s.stagedLength();
            try {
                attrBytes += IssueStruct.stage(s, st, issues.get(from + i)) - IssueStruct.SIZE;
            } catch (InvalidArgumentException e) {
                refused[i] = e.getMessage();
                s.truncateStaged(mark);
            }
        }
        int strings = n * IssueStruct.SIZE + attrBytes;
        int size = strings + s.stagedLength();
        ensure(size);
        byte[] v = blockBytes;
        int attrs = n * IssueStruct.SIZE;
        for (int i = 0; i < n; i++) {
            int at = i * IssueStruct.SIZE;
            if (refused[i] == null) {
                try {
                    IssueStruct.write(v, at, attrs, block, strings, staged[i], issues.get(from + i));
                    attrs += staged[i].attrCount * Structs.Attr.SIZE;
                    continue;
                } catch (InvalidArgumentException e) {
                    refused[i] = e.getMessage();
                }
            }
            IssueStruct.writeRefused(v, at);
        }
        s.copyStaged(v, strings);
        RawMemory.copyOut(v, block, size);
        count = n;
        held = Math.max(held, n); // releasing a decision no call filled does nothing
        return new Pointer(block);
    }

    /** The block holds at least {@code size} bytes. */
    private void ensure(int size) {
        if (size <= blockBytes.length) {
            return;
        }
        int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(size, blockBytes.length * 2L));
        long p = malloc(grown);
        if (block != 0) {
            Native.free(block);
        }
        block = p;
        blockBytes = new byte[grown];
    }

    /**
     * Reads the decisions of the last {@link #layout} into {@code out}, in order (the ids are the issues').
     * They stay filled until the next chunk's call or {@link #close()}.
     */
    public void read(Scratch s, List<Issue> issues, int from, List<Decision> out) {
        int n = count;
        RawMemory.copy(decisions, decisionBytes, n * DecisionStruct.SIZE);
        for (int i = 0; i < n; i++) {
            String id = issues.get(from + i).id();
            Decision d = DecisionStruct.read(id, s, decisionBytes, i * DecisionStruct.SIZE);
            if (refused[i] != null) {
                d = new Decision(id, DecisionStatus.REJECTED, null, null, null, null, null, null, List.of(),
                        List.of(), 0, null, null, null, false, null, refused[i], d.bundle(), null);
            }
            out.add(d);
        }
    }

    /** Releases the filled decisions, their snapshot references and memory, in one call. */
    private void release() {
        if (held > 0) {
            CApi.gridroute_decision_release_batch(new Pointer(decisions), held);
        }
        held = 0;
    }

    /** Releases any decision still held and frees the native memory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        Native.free(decisions);
        if (block != 0) {
            Native.free(block);
            block = 0;
        }
    }
}
