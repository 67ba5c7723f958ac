package org.gridroute.internal;

import org.gridroute.InvalidArgumentException;

import java.nio.charset.StandardCharsets;

/** UTF-8 for strings handed to the library (the typed structs, the JSON calls, times and zones). */
public final class Utf8 {
    private Utf8() {}

    /**
     * The UTF-8 bytes of {@code s}. A string with an unpaired surrogate has no UTF-8 form: rather than let
     * Java write '?' for it (and route a different text), it is refused. Java writes '?' for exactly those,
     * so only a result with a '?' is looked at again.
     */
    public static byte[] encode(String field, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            if (x == '?') {
                check(field, s);
                break;
            }
        }
        return b;
    }

    private static void check(String field, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new InvalidArgumentException(field + " is not valid Unicode: an unpaired surrogate at index " + i);
            }
        }
    }
}
