package org.gridroute.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One thread's native memory for the struct path: the input block (a case, an issue, its attributes and
 * their strings, laid out by {@link IssueStruct} and {@link CaseStruct}), one decision, one action, one
 * buffer and one error slot. Reused call after call, so routing allocates no native memory of its own.
 *
 * <p>The decision and the action are routed into again and again (the library releases the old contents
 * and reuses their memory), so between calls they hold a reference on the bundle snapshot that made them.
 * So that a bundle replaced by a reload, or an engine closed, is freed at once, {@link #sweep()} releases
 * the results every thread holds; a thread's own calls {@linkplain #claim() claim} its results meanwhile. A
 * thread that ends has its results released by a cleaner.
 */
public final class Scratch {
    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);
    private static final Cleaner CLEANER = Cleaner.create();
    /** Every live thread's scratch (weakly: a thread that ends drops its own). */
    private static final Map<Scratch, Boolean> ALL = new WeakHashMap<>();

    /** This thread's scratch. */
    public static Scratch get() {
        return CURRENT.get();
    }

    // 1 while this thread's call or a sweep uses the decision and the action
    private final AtomicInteger claimed = new AtomicInteger();
    /** Whether the decision / the action may hold something (set by the owner under its claim). */
    public boolean decisionHeld;
    public boolean actionHeld;

    // the input block: structs first, then the strings they point to; written in `blockBytes`, then copied
    private Memory block;
    private byte[] blockBytes;
    private long blockAddress;

    /** Where the current issue's strings went (see {@link IssueStruct#stage}). */
    final IssueStruct.Staged staged = new IssueStruct.Staged();

    // strings staged before the block is sized
    private byte[] bytes = new byte[512];
    private int stagedLength;

    /** A gridroute_decision, reused call after call, and the heap copy it is read from. */
    public final Memory decision = zeroed(DecisionStruct.SIZE);
    private final byte[] decisionBytes = new byte[DecisionStruct.SIZE];
    /** A gridroute_action, likewise. */
    public final Memory action = zeroed(ActionStruct.SIZE);
    private final byte[] actionBytes = new byte[ActionStruct.SIZE];
    /** A gridroute_buf, disposed after every call. */
    public final Memory buf = zeroed(24);
    /** A gridroute_error* out-parameter. */
    public final Memory err = zeroed(8);
    /** An int64 out-parameter. */
    public final Memory int64 = zeroed(8);

    private Scratch() {
        DecisionStruct.init(decision);
        ActionStruct.init(action);
        grow(4096);
        Memory d = decision;
        Memory a = action;
        CLEANER.register(this, () -> release(d, a));
        synchronized (ALL) {
            ALL.put(this, Boolean.TRUE);
        }
    }

    private static void release(Memory decision, Memory action) {
        CApi.gridroute_decision_release(decision);
        CApi.gridroute_action_release(action);
    }

    /** Claims the decision and the action for a call on this thread (waiting while a sweep releases them). */
    public void claim() {
        for (int spins = 0; !claimed.compareAndSet(0, 1); spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Ends a claim. */
    public void unclaim() {
        claimed.set(0);
    }

    /**
     * Releases the decisions and actions that threads hold between calls, and with them their references on
     * bundle snapshots (of every engine: a released result costs nothing but the next call's allocation).
     */
    public static void sweep() {
        List<Scratch> all;
        synchronized (ALL) {
            all = new ArrayList<>(ALL.keySet());
        }
        for (Scratch s : all) {
            s.claim();
            try {
                if (s.decisionHeld) {
                    CApi.gridroute_decision_release(s.decision);
                    s.decisionHeld = false;
                }
                if (s.actionHeld) {
                    CApi.gridroute_action_release(s.action);
                    s.actionHeld = false;
                }
            } finally {
                s.unclaim();
            }
        }
    }

    private static Memory zeroed(long size) {
        Memory m = new Memory(size);
        m.clear();
        return m;
    }

    private void grow(int size) {
        block = zeroed(size);
        blockBytes = new byte[size];
        blockAddress = Pointer.nativeValue(block);
    }

    /** The filled decision, copied to the heap to be read. */
    byte[] decisionBytes() {
        RawMemory.copy(Pointer.nativeValue(decision), decisionBytes, decisionBytes.length);
        return decisionBytes;
    }

    /** The filled action, copied to the heap to be read. */
    byte[] actionBytes() {
        RawMemory.copy(Pointer.nativeValue(action), actionBytes, actionBytes.length);
        return actionBytes;
    }

    // ---- staging strings

    /** Starts a new input: no strings staged. */
    void resetStrings() {
        stagedLength = 0;
    }

    /** Stages a string's UTF-8 bytes; returns their offset among the staged bytes. */
    int stage(String field, String s) {
        return stage(field, null, s);
    }

    /**
     * Stages {@code s} as {@link #stage(String, String)}; the field that names it in an error is
     * {@code field} with {@code name} in place of its {@code %s}, put together only for an error. An ASCII
     * string (ids, codes, attribute names) is written straight into the staged bytes: no array of its own.
     */
    int stage(String field, String name, String s) {
        int off = stagedLength;
        int n = s.length();
        byte[] to = stagedRoom(off + n);
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            to[off + i] = (byte) c;
            i++;
        }
        if (i == n) {
            stagedLength = off + n;
            return off;
        }
        byte[] b = Utf8.encode(name == null ? field : field.replace("%s", name), s);
        System.arraycopy(b, 0, stagedRoom(off + b.length), off, b.length);
        stagedLength = off + b.length;
        return off;
    }

    /** The staged bytes, grown to hold at least {@code need}. */
    private byte[] stagedRoom(int need) {
        if (need > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, need));
        }
        return bytes;
    }

    int stagedLength() {
        return stagedLength;
    }

    /** Drops the strings staged after the first {@code length} bytes (an input that could not be laid out). */
    void truncateStaged(int length) {
        stagedLength = length;
    }

    /** Copies the staged bytes into {@code dst} at {@code at}. */
    void copyStaged(byte[] dst, int at) {
        System.arraycopy(bytes, 0, dst, at, stagedLength);
    }

    /**
     * Sizes the input block for {@code structBytes} of structs followed by the staged strings, puts the
     * strings behind the structs, and returns the block's heap copy for the structs to be written in.
     */
    byte[] layout(int structBytes) {
        int need = structBytes + stagedLength;
        if (need > blockBytes.length) {
            grow(Math.max(need, (int) Math.min(Integer.MAX_VALUE - 8, blockBytes.length * 2L)));
        }
        System.arraycopy(bytes, 0, blockBytes, structBytes, stagedLength);
        return blockBytes;
    }

    /** Copies the written block to native memory; returns it as a pointer. */
    Pointer commit(int structBytes) {
        RawMemory.copyOut(blockBytes, blockAddress, structBytes + stagedLength);
        return block;
    }

    /** The native address of the input block (valid until the next {@link #layout}). */
    long blockAddress() {
        return blockAddress;
    }


    // ---- reading library-owned strings

    private final TextCache ids = new TextCache();

    /** A {@code gridroute_string} at {@code off} in a struct's heap copy: null when absent. */
    static String string(byte[] struct, int off) {
        long ptr = Bytes.getLong(struct, off);
        if (ptr == 0) {
            return null;
        }
        return text(ptr, Bytes.getLong(struct, off + 8));
    }

    /** A {@code gridroute_string} that names something (an id), through this thread's cache; null when absent. */
    String id(byte[] struct, int off) {
        long ptr = Bytes.getLong(struct, off);
        if (ptr == 0) {
            return null;
        }
        return id(ptr, Bytes.getLong(struct, off + 8));
    }

    /** An id of {@code len} bytes at {@code ptr}, through this thread's cache. */
    String id(long ptr, long len) {
        if (len == 0) {
            return "";
        }
        if (len > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("gridroute: a string of " + len + " bytes");
        }
        return ids.get(ptr, (int) len);
    }

    // ---- times: deadlines repeat (working-day deadlines fall on the close of business), and the zone is one

    private String zoneName;
    private ZoneId zone;
    private final long[] timeKeys = new long[8];
    private final ZonedDateTime[] times = new ZonedDateTime[8];

    /**
     * A library time in the zone {@code tz} (an id from {@link #id}); null for TIME_NONE. The last few are
     * remembered: a {@code ZonedDateTime} is immutable, so one may be handed out twice.
     */
    ZonedDateTime zoned(long micros, String tz) {
        if (micros == CApi.TIME_NONE) {
            return null;
        }
        if (tz != zoneName || zone == null) { // ids come from the cache: the same text is the same String
            zone = Times.zone(tz);
            zoneName = tz;
            java.util.Arrays.fill(times, null);
        }
        int slot = (int) ((micros * 0x9E3779B97F4A7C15L) >>> 61);
        ZonedDateTime t = times[slot];
        if (t != null && timeKeys[slot] == micros) {
            return t;
        }
        t = Times.zoned(micros, zone);
        times[slot] = t;
        timeKeys[slot] = micros;
        return t;
    }

    /** {@code len} bytes of UTF-8 at the native address {@code ptr}. */
    static String text(long ptr, long len) {
        if (len == 0) {
            return "";
        }
        if (len > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("gridroute: a string of " + len + " bytes");
        }
        byte[] b = new byte[(int) len];
        RawMemory.copy(ptr, b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
