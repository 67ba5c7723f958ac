package org.gridroute.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * The functions of {@code capi/include/gridroute.h}, bound with JNA's direct mapping (static native
 * methods: no proxy, no reflection per call). Not API: use {@code org.gridroute}.
 *
 * <p>{@code size_t} is a Java {@code long} (64-bit platforms only, checked on load); {@code uint32_t} an
 * {@code int}; every pointer a {@link Pointer} (null for NULL). The library is found through
 * {@code -Djna.library.path}, then {@code $GRIDROUTE_LIBRARY} (a full path), then the system's library path.
 */
public final class CApi {
    private CApi() {}

    /** Status codes (gridroute_status); the list only grows. */
    public static final int OK = 0;
    public static final int E_INVALID_ARGUMENT = 1;
    public static final int E_STRUCT_SIZE = 2;
    public static final int E_BUNDLE = 3;
    public static final int E_REJECTED = 4;
    public static final int E_NO_MEMORY = 5;
    public static final int E_INTERNAL = 6;

    public static final int ROUTE_EXPLAIN = 0x1;
    public static final int SEVERITY_WARNING = 1;
    public static final long TIME_NONE = Long.MIN_VALUE;
    public static final int UNIT_NONE = -1;

    /** The loaded library, or why it could not be loaded (thrown again on every use). */
    private static final NativeLibrary LIBRARY;
    private static final LinkageError FAILURE;

    static {
        NativeLibrary lib = null;
        LinkageError failure = null;
        try {
            if (Native.SIZE_T_SIZE != 8 || Native.POINTER_SIZE != 8) {
                throw new UnsatisfiedLinkError("gridroute: the Java binding needs a 64-bit JVM");
            }
            lib = open();
            Native.register(CApi.class, lib);
        } catch (UnsatisfiedLinkError e) {
            failure = e;
        } catch (LinkageError | RuntimeException e) {
            failure = new UnsatisfiedLinkError("gridroute: cannot bind libgridroute: " + e);
            failure.initCause(e);
        }
        LIBRARY = lib;
        FAILURE = failure;
    }

    /** Throws the reason the library is unusable, if it is. */
    public static void ensureLoaded() {
        if (FAILURE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(FAILURE.getMessage());
            e.initCause(FAILURE);
            throw e;
        }
    }

    /** The file the library was loaded from. */
    public static File libraryFile() {
        ensureLoaded();
        return LIBRARY.getFile();
    }

    private static NativeLibrary open() {
        List<String> tried = new ArrayList<>();
        String jnaPath = System.getProperty("jna.library.path");
        if (jnaPath != null && !jnaPath.isEmpty()) {
            for (String dir : jnaPath.split(File.pathSeparator)) {
                for (String name : new String[] {"libgridroute.so.1", "libgridroute.so", "libgridroute.dylib",
                        "gridroute.dll"}) {
                    File f = new File(dir, name);
                    if (f.isFile()) {
                        return NativeLibrary.getInstance(f.getAbsolutePath());
                    }
                }
                tried.add(dir + " (jna.library.path)");
            }
        }
        String env = System.getenv("GRIDROUTE_LIBRARY");
        if (env != null && !env.isEmpty()) {
            File f = new File(env);
            if (!f.isFile()) {
                throw new UnsatisfiedLinkError("gridroute: GRIDROUTE_LIBRARY=" + env + ": no such file");
            }
            return NativeLibrary.getInstance(f.getAbsolutePath());
        }
        try {
            return NativeLibrary.getInstance("gridroute");
        } catch (UnsatisfiedLinkError e) {
            tried.add("the system library path (" + e.getMessage() + ")");
        }
        try {
            return NativeLibrary.getInstance("libgridroute.so.1");
        } catch (UnsatisfiedLinkError e) {
            tried.add("libgridroute.so.1 (" + e.getMessage() + ")");
        }
        throw new UnsatisfiedLinkError("gridroute: cannot load libgridroute.so.1 (set -Djna.library.path to its"
                + " directory or GRIDROUTE_LIBRARY to its path); tried " + String.join("; ", tried));
    }

    // ---- version, status, memory

    public static native Pointer gridroute_version();

    public static native int gridroute_version_number();

    public static native Pointer gridroute_status_string(int status);

    public static native void gridroute_buf_dispose(Pointer buf);

    public static native void gridroute_error_free(Pointer err);

    public static native void gridroute_diagnostics_free(Pointer list);

    // ---- time

    public static native int gridroute_time_parse(Pointer out, byte[] text, long len, Pointer err);

    public static native int gridroute_time_format(Pointer out, long t, byte[] tz, long tzLen, Pointer err);

    // ---- engines

    public static native int gridroute_engine_load(Pointer out, byte[] dir, long dirLen, Pointer opts, Pointer err);

    public static native int gridroute_engine_load_sources(Pointer out, Pointer sources, Pointer opts, Pointer err);

    public static native int gridroute_engine_reload(Pointer engine, byte[] dir, long dirLen, Pointer opts,
            Pointer err);

    public static native int gridroute_engine_reload_sources(Pointer engine, Pointer sources, Pointer opts,
            Pointer err);

    public static native void gridroute_engine_free(Pointer engine);

    public static native int gridroute_engine_digest(Pointer out, Pointer engine, Pointer err);

    public static native int gridroute_engine_check(Pointer out, Pointer engine, Pointer opts, Pointer err);

    // ---- JSON in, JSON out

    public static native int gridroute_engine_route_json(Pointer out, Pointer engine, byte[] line, long len,
            Pointer opts, Pointer err);

    public static native int gridroute_engine_route_jsonl(Pointer out, Pointer engine, byte[] text, long len,
            Pointer opts, Pointer err);

    public static native int gridroute_engine_escalate_json(Pointer out, Pointer engine, byte[] line, long len,
            long now, Pointer opts, Pointer err);

    public static native int gridroute_engine_escalate_jsonl(Pointer out, Pointer engine, byte[] text, long len,
            long now, Pointer opts, Pointer err);

    /** The batch calls on text already in native memory (the streaming calls copy each block there once). */
    public static native int gridroute_engine_route_jsonl(Pointer out, Pointer engine, Pointer text, long len,
            Pointer opts, Pointer err);

    public static native int gridroute_engine_escalate_jsonl(Pointer out, Pointer engine, Pointer text, long len,
            long now, Pointer opts, Pointer err);

    // ---- case books (since 1.2)

    public static native int gridroute_case_book_new(Pointer out, Pointer engine, Pointer err);

    public static native void gridroute_case_book_free(Pointer book);

    public static native long gridroute_case_book_size(Pointer book);

    public static native int gridroute_case_book_add_jsonl(Pointer book, byte[] text, long len, Pointer first,
            Pointer err);

    public static native int gridroute_case_book_replace_json(Pointer book, long slot, byte[] line, long len,
            Pointer err);

    public static native int gridroute_case_book_remove(Pointer book, long slot, Pointer err);

    public static native int gridroute_case_book_sweep_jsonl(Pointer out, Pointer book, long now, Pointer err);

    // ---- the struct fast path

    public static native int gridroute_engine_route(Pointer out, Pointer engine, Pointer issue, Pointer opts,
            Pointer err);

    public static native void gridroute_decision_release(Pointer decision);

    /** Since 1.3: {@code count} issues into {@code count} decisions, each array walked by its first struct_size. */
    public static native int gridroute_engine_route_batch(Pointer out, Pointer engine, Pointer issues, long count,
            Pointer opts, Pointer err);

    /** Since 1.4: gridroute_decision_release of {@code count} decisions, walked by the first's struct_size. */
    public static native void gridroute_decision_release_batch(Pointer decisions, long count);

    /** Since 1.3: {@code ids} (gridroute_string[count]) to int32 numbers, and the snapshot's uint64 generation. */
    public static native int gridroute_engine_find_units(Pointer outNumbers, Pointer outGeneration, Pointer engine,
            Pointer ids, long count, Pointer err);

    public static native int gridroute_engine_escalate(Pointer out, Pointer engine, Pointer kase, long now,
            Pointer opts, Pointer err);

    public static native void gridroute_action_release(Pointer action);
}
