package org.gridroute;

import com.sun.jna.Pointer;

import org.gridroute.internal.CApi;
import org.gridroute.internal.Scratch;
import org.gridroute.internal.Structs;
import org.gridroute.internal.Times;
import org.gridroute.internal.Utf8;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The library as a whole: its version, and RFC 3339 times as the engine reads and writes them.
 *
 * <pre>{@code
 * System.out.println(Gridroute.version());                          // "1.4.0", the C library's
 * long t = Gridroute.parseTime("2026-11-20T09:15:00+08:00");        // microseconds since the epoch
 * String s = Gridroute.formatTime(t, "Asia/Shanghai");              // "2026-11-20T09:15:00+08:00"
 * }</pre>
 */
public final class Gridroute {
    private Gridroute() {}

    /** The C ABI version this binding was written for: it needs a library of this major version... */
    public static final int BINDING_MAJOR = 1;
    /** ...and at least this minor version. */
    public static final int BINDING_MINOR = 4;
    /** This binding's version. */
    public static final String BINDING_VERSION = "1.4.0";

    private static volatile boolean checked;

    /**
     * Loads libgridroute and checks its version (once); throws {@link UnsatisfiedLinkError} when it cannot be
     * found or does not fit this binding (another major version, or an older minor one).
     */
    public static void requireLibrary() {
        if (checked) {
            return;
        }
        CApi.ensureLoaded();
        String problem = versionProblem(CApi.gridroute_version_number(), version());
        if (problem != null) {
            throw new UnsatisfiedLinkError(problem + " (loaded from " + CApi.libraryFile() + ")");
        }
        checked = true;
    }

    /** Why a library of version number {@code n} (MAJOR*10000 + MINOR*100 + PATCH) does not fit; null if it does. */
    static String versionProblem(int n, String text) {
        int major = n / 10000;
        int minor = n / 100 % 100;
        if (major != BINDING_MAJOR || minor < BINDING_MINOR) {
            return "gridroute for Java " + BINDING_VERSION + " needs libgridroute " + BINDING_MAJOR + "." + BINDING_MINOR
                    + " or a later " + BINDING_MAJOR + ".x, but loaded " + text;
        }
        return null;
    }

    /** The version of the loaded C library, e.g. "1.4.0". */
    public static String version() {
        CApi.ensureLoaded();
        return CApi.gridroute_version().getString(0, "US-ASCII");
    }

    /** The version of the loaded C library as MAJOR*10000 + MINOR*100 + PATCH, e.g. 10100. */
    public static int versionNumber() {
        CApi.ensureLoaded();
        return CApi.gridroute_version_number();
    }

    /** A short English description of a status code ("bundle refused", ...). */
    public static String statusString(int code) {
        CApi.ensureLoaded();
        return CApi.gridroute_status_string(code).getString(0, "US-ASCII");
    }

    /**
     * Microseconds since the Unix epoch of an RFC 3339 time with an offset, e.g.
     * {@code "2026-11-20T09:15:00+08:00"}, parsed as the engine parses issue times.
     *
     * @throws InvalidArgumentException when it does not parse
     */
    public static long parseTime(CharSequence text) {
        requireLibrary();
        byte[] b = Utf8.encode("text", text.toString());
        Scratch s = Scratch.get();
        int rc = CApi.gridroute_time_parse(s.int64, b.length == 0 ? new byte[1] : b, b.length, s.err);
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        return s.int64.getLong(0);
    }

    /** {@link #parseTime} as an {@link Instant}. */
    public static Instant parseInstant(CharSequence text) {
        return Times.instant(parseTime(text));
    }

    /**
     * RFC 3339 text of {@code micros} (since the epoch) in the IANA time zone {@code zone}, as the engine
     * writes times, e.g. {@code "2026-11-20T09:15:00+08:00"}.
     *
     * @throws InvalidArgumentException for an unknown zone
     */
    public static String formatTime(long micros, String zone) {
        requireLibrary();
        byte[] z = Utf8.encode("zone", zone);
        Scratch s = Scratch.get();
        int rc = CApi.gridroute_time_format(s.buf, micros, z.length == 0 ? new byte[1] : z, z.length, s.err);
        String out = takeText(s.buf);
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        return out;
    }

    /** {@link #formatTime(long, String)} for an {@link Instant}. */
    public static String formatTime(Instant t, String zone) {
        return formatTime(Times.micros("time", t), zone);
    }

    /** The bytes of a gridroute_buf, which is then disposed. */
    static byte[] takeBytes(Pointer buf) {
        Pointer p = buf.getPointer(0);
        long len = buf.getLong(8);
        try {
            if (p == null || len == 0) {
                return new byte[0];
            }
            if (len > Integer.MAX_VALUE - 8) {
                throw new NoMemoryException("gridroute: an output of " + len + " bytes does not fit a Java array");
            }
            return p.getByteArray(0, (int) len);
        } finally {
            CApi.gridroute_buf_dispose(buf);
        }
    }

    /**
     * The bytes of a filled gridroute_buf, copied into {@code into[0]} (grown when too small), and the
     * buffer disposed; returns their length.
     */
    static int takeBytes(Pointer buf, byte[][] into) {
        long p = buf.getLong(0);
        long len = buf.getLong(8);
        try {
            if (p == 0 || len == 0) {
                return 0;
            }
            if (len > Integer.MAX_VALUE - 8) {
                throw new NoMemoryException("gridroute: an output of " + len + " bytes does not fit a Java array");
            }
            if (into[0].length < len) {
                into[0] = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(len, len + len / 4))];
            }
            org.gridroute.internal.RawMemory.copy(p, into[0], (int) len);
            return (int) len;
        } finally {
            CApi.gridroute_buf_dispose(buf);
        }
    }

    /** Copies the first {@code len} bytes of {@code from} to the native block {@code to}. */
    static void copyOut(byte[] from, Pointer to, int len) {
        org.gridroute.internal.RawMemory.copyOut(from, Pointer.nativeValue(to), len);
    }

    static String takeText(Pointer buf) {
        return new String(takeBytes(buf), StandardCharsets.UTF_8);
    }
}
