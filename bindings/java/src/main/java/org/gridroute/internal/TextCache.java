package org.gridroute.internal;

import java.nio.charset.StandardCharsets;

/**
 * The ids a decision names (rule, role, handler, unit, policy, time zone, bundle digest) come back call
 * after call: one thread's direct-mapped cache, keyed by content, hands out one String per id instead of a
 * new array and String each time. Only content is compared, so an entry never depends on where the library
 * keeps it. The text is hashed and compared where the library keeps it, eight bytes at a load: nothing is
 * copied unless the id is new to the cache.
 */
final class TextCache {
    private static final int SLOTS = 1024; // a power of two
    private static final int MAX = 64;     // longer texts are not cached
    private static final long MUL = 0x9E3779B97F4A7C15L;

    private final byte[][] keys = new byte[SLOTS][];
    private final long[] hashes = new long[SLOTS];
    private final String[] values = new String[SLOTS];
    // whether the entry was used since it came in or was last passed over (a second chance: an entry in use
    // stays when ids seen once pass through its slot, and the cache's arrays are written less often)
    private final boolean[] used = new boolean[SLOTS];

    /** {@code len} (> 0) bytes of UTF-8 at the native address {@code ptr}, as a String. */
    String get(long ptr, int len) {
        if (len > MAX) {
            return copy(ptr, len);
        }
        long h = hash(ptr, len);
        int slot = (int) (h >>> 54) & (SLOTS - 1);
        byte[] k = keys[slot];
        if (k != null && hashes[slot] == h && k.length == len && same(k, ptr, len)) {
            used[slot] = true;
            return values[slot];
        }
        byte[] key = new byte[len];
        RawMemory.copy(ptr, key, len);
        String v = new String(key, StandardCharsets.UTF_8);
        if (k != null && used[slot]) {
            used[slot] = false;
            return v;
        }
        keys[slot] = key;
        hashes[slot] = h;
        values[slot] = v;
        return v;
    }

    private static String copy(long ptr, int len) {
        byte[] b = new byte[len];
        RawMemory.copy(ptr, b, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A hash of the bytes: whole words, the last one overlapping the one before; single bytes below 8. */
    private static long hash(long ptr, int len) {
        long h = len * MUL;
        if (len >= 8) {
            int i = 0;
            for (; i + 8 < len; i += 8) {
                h = (h ^ RawMemory.getLong(ptr + i)) * MUL;
            }
            h = (h ^ RawMemory.getLong(ptr + len - 8)) * MUL;
        } else {
            for (int i = 0; i < len; i++) {
                h = (h ^ RawMemory.getByte(ptr + i)) * MUL;
            }
        }
        return h ^ (h >>> 31);
    }

    /** Whether the {@code len} bytes at {@code ptr} are those of {@code k}. */
    private static boolean same(byte[] k, long ptr, int len) {
        if (len >= 8) {
            int i = 0;
            for (; i + 8 < len; i += 8) {
                if (Bytes.getLong(k, i) != RawMemory.getLong(ptr + i)) {
                    return false;
                }
            }
            return Bytes.getLong(k, len - 8) == RawMemory.getLong(ptr + len - 8);
        }
        for (int i = 0; i < len; i++) {
            if (k[i] != RawMemory.getByte(ptr + i)) {
                return false;
            }
        }
        return true;
    }
}
