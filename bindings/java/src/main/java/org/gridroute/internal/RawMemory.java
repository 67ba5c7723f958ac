package org.gridroute.internal;

import com.sun.jna.Pointer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * Copies library-owned bytes into Java arrays, and Java arrays into native memory (not API). JNA's read
 * costs a JNI transition per string; the JDK's
 * {@code sun.misc.Unsafe.copyMemory} (module jdk.unsupported, found by reflection) is a JIT intrinsic: a
 * plain memcpy. Where it is not available, JNA's read is used.
 */
public final class RawMemory {
    private RawMemory() {}

    // copyMemory(Object srcBase, long srcOffset, Object destBase, long destOffset, long bytes), bound to the instance
    private static final MethodHandle COPY;
    // getLong(long address), getByte(long address): JIT intrinsics, plain loads
    private static final MethodHandle GET_LONG;
    private static final MethodHandle GET_BYTE;
    private static final long BYTE_ARRAY_OFFSET;

    static {
        MethodHandle copy = null;
        MethodHandle getLong = null;
        MethodHandle getByte = null;
        long offset = 0;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            copy = lookup.findVirtual(c, "copyMemory", MethodType.methodType(void.class, Object.class, long.class,
                    Object.class, long.class, long.class)).bindTo(unsafe);
            getLong = lookup.findVirtual(c, "getLong", MethodType.methodType(long.class, long.class)).bindTo(unsafe);
            getByte = lookup.findVirtual(c, "getByte", MethodType.methodType(byte.class, long.class)).bindTo(unsafe);
            offset = (int) lookup.findVirtual(c, "arrayBaseOffset", MethodType.methodType(int.class, Class.class))
                    .bindTo(unsafe).invoke(byte[].class);
        } catch (Throwable e) {
            copy = null;
            getLong = null;
            getByte = null;
        }
        COPY = copy;
        GET_LONG = getLong;
        GET_BYTE = getByte;
        BYTE_ARRAY_OFFSET = offset;
    }

    /** Copies {@code dst.length} bytes from the native address {@code src}. */
    static void copy(long src, byte[] dst) {
        copy(src, dst, dst.length);
    }

    /** Copies {@code len} bytes from the native address {@code src} to the start of {@code dst}. */
    public static void copy(long src, byte[] dst, int len) {
        if (COPY != null) {
            try {
                COPY.invokeExact((Object) null, src, (Object) dst, BYTE_ARRAY_OFFSET, (long) len);
                return;
            } catch (Throwable e) {
                throw new IllegalStateException("gridroute: copying native memory", e);
            }
        }
        new Pointer(src).read(0, dst, 0, len);
    }

    /** Copies {@code len} bytes from the start of {@code src} to the native address {@code dst}. */
    public static void copyOut(byte[] src, long dst, int len) {
        if (COPY != null) {
            try {
                COPY.invokeExact((Object) src, BYTE_ARRAY_OFFSET, (Object) null, dst, (long) len);
                return;
            } catch (Throwable e) {
                throw new IllegalStateException("gridroute: copying to native memory", e);
            }
        }
        new Pointer(dst).write(0, src, 0, len);
    }

    /** The 8 bytes at the native address {@code p}, in the platform's order. */
    static long getLong(long p) {
        if (GET_LONG != null) {
            try {
                return (long) GET_LONG.invokeExact(p);
            } catch (Throwable e) {
                throw new IllegalStateException("gridroute: reading native memory", e);
            }
        }
        return new Pointer(p).getLong(0);
    }

    /** The byte at the native address {@code p}. */
    static byte getByte(long p) {
        if (GET_BYTE != null) {
            try {
                return (byte) GET_BYTE.invokeExact(p);
            } catch (Throwable e) {
                throw new IllegalStateException("gridroute: reading native memory", e);
            }
        }
        return new Pointer(p).getByte(0);
    }
}
