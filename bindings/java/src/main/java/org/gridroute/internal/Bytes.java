package org.gridroute.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Struct fields in a Java byte array, in the platform's byte order: the structs are written and read in a
 * heap copy (bounds-checked, JIT-intrinsified) and moved to and from native memory in one copy each.
 */
final class Bytes {
    private Bytes() {}

    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle F64 = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.nativeOrder());

    static int getInt(byte[] b, int off) {
        return (int) I32.get(b, off);
    }

    static long getLong(byte[] b, int off) {
        return (long) I64.get(b, off);
    }

    static void putInt(byte[] b, int off, int v) {
        I32.set(b, off, v);
    }

    static void putLong(byte[] b, int off, long v) {
        I64.set(b, off, v);
    }

    static void putDouble(byte[] b, int off, double v) {
        F64.set(b, off, v);
    }
}
