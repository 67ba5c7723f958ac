package org.gridroute.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The ids a decision names (rule, role, handler, unit, policy, time zone) come back call after call: one
 * thread's small direct-mapped cache, keyed by content, hands out one String per id instead of a new array
 * and String each time. Only content is compared, so an entry never depends on where the library keeps it.
 */
final class TextCache {
    private static final int SLOTS = 256; // a power of two
    private static final int MAX = 64;    // longer texts are not cached

    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];
    private final byte[] probe = new byte[MAX];

    /** {@code len} bytes of UTF-8 at the native address {@code ptr}, as a String. */
    String get(long ptr, int len) {
        if (len > MAX) {
            byte[] b = new byte[len];
            RawMemory.copy(ptr, b, len);
            return new String(b, StandardCharsets.UTF_8);
        }
        RawMemory.copy(ptr, probe, len);
        int h = len;
        for (int i = 0; i < len; i++) {
            h = 31 * h + probe[i];
        }
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        byte[] k = keys[slot];
        if (k != null && k.length == len && Arrays.equals(k, 0, len, probe, 0, len)) {
            return values[slot];
        }
        byte[] key = Arrays.copyOf(probe, len);
        String v = new String(key, StandardCharsets.UTF_8);
        keys[slot] = key;
        values[slot] = v;
        return v;
    }
}
