package org.gridroute;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import org.gridroute.internal.ActionStruct;
import org.gridroute.internal.CApi;
import org.gridroute.internal.Cleanup;
import org.gridroute.internal.CaseStruct;
import org.gridroute.internal.DecisionStruct;
import org.gridroute.internal.IssueBatch;
import org.gridroute.internal.IssueStruct;
import org.gridroute.internal.Scratch;
import org.gridroute.internal.SourcesStruct;
import org.gridroute.internal.Structs;
import org.gridroute.internal.Times;
import org.gridroute.internal.UnitIds;
import org.gridroute.internal.Utf8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A loaded, compiled bundle that routes issues and evaluates cases, over libgridroute's C ABI.
 *
 * <pre>{@code
 * try (Engine engine = Engine.load(Path.of("examples/lanxi"))) {
 *     Decision d = engine.route(new Issue("I-1", "env.noise.loudspeaker", "qiaodong-a-01",
 *             Instant.parse("2026-11-20T01:40:00Z"), Map.of("severity", 3)));
 *     System.out.println(d.status() + " " + d.handler() + " " + d.resolveBy());
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> One engine serves any number of threads: {@code route}, {@code escalate}, the JSON
 * calls and {@link #check()} run in parallel, also while another thread calls {@link #reload}: each call
 * uses the bundle current when it starts. {@link #close()} waits for the calls already running, then frees
 * the engine; calls after it throw {@link IllegalStateException}. An engine that is never closed is freed
 * when it becomes unreachable.
 *
 * <p><b>Errors.</b> A bundle that does not load throws {@link BundleException} with every problem; a bad
 * issue or case throws {@link RejectedException} with the engine's reason (the batch calls never throw it:
 * bad lines get {@code rejected} records, bad issues of {@link #routeMany} rejected decisions).
 */
public final class Engine implements AutoCloseable {

    // Calls in flight, counted in stripes (a cache line each) so that threads do not contend on one word.
    // A call counts itself in, then reads `closed`; close() sets `closed`, then waits for the count to reach
    // zero: volatile accesses are totally ordered, so either the call sees `closed` or close() sees the call.
    private static final int STRIPES = 16; // a power of two
    private static final int PAD = 16;     // longs per stripe: 128 bytes
    private final AtomicLongArray inflight = new AtomicLongArray(STRIPES * PAD);
    private volatile boolean closed;
    private final Object closing = new Object();
    private boolean freed; // under `closing`
    private final Pointer handle;
    private final Cleaner.Cleanable cleanable;

    private Engine(Pointer handle) {
        this.handle = handle;
        this.cleanable = Cleanup.register(this, handle, CApi::gridroute_engine_free);
    }

    // ---- construction

    /** Loads and compiles the bundle in directory {@code dir}. */
    public static Engine load(Path dir) {
        return load(dir, null);
    }

    /** Loads a bundle directory given as a string path. */
    public static Engine load(String dir) {
        return load(Path.of(dir), null);
    }

    /**
     * Loads and compiles the bundle in directory {@code dir} with limits ({@code null}: the defaults).
     *
     * @throws BundleException with every problem found when the bundle is refused
     */
    public static Engine load(Path dir, LoadOptions options) {
        Gridroute.requireLibrary();
        byte[] path = SourcesStruct.path(dir.toString());
        Scratch s = Scratch.get();
        int rc = CApi.gridroute_engine_load(s.int64, path, path.length, SourcesStruct.loadOptions(options), s.err);
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        return new Engine(s.int64.getPointer(0));
    }

    /** Loads a bundle from memory: the JSON texts and the CSV files they name. */
    public static Engine fromSources(Sources sources) {
        return fromSources(sources, null);
    }

    /** Loads a bundle from memory with limits ({@code null}: the defaults). */
    public static Engine fromSources(Sources sources, LoadOptions options) {
        Gridroute.requireLibrary();
        SourcesStruct src = new SourcesStruct(sources);
        Scratch s = Scratch.get();
        int rc = CApi.gridroute_engine_load_sources(s.int64, src.pointer(), SourcesStruct.loadOptions(options), s.err);
        Reference.reachabilityFence(src);
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        return new Engine(s.int64.getPointer(0));
    }

    // ---- lifetime

    /** Counts a call in; returns its stripe for {@link #release(int)}. Throws once the engine is closed. */
    private int acquire() {
        int stripe = (int) (Thread.currentThread().getId() & (STRIPES - 1)) * PAD;
        inflight.getAndIncrement(stripe);
        if (closed) {
            inflight.getAndDecrement(stripe);
            throw new IllegalStateException("gridroute: the engine is closed");
        }
        return stripe;
    }

    private void release(int stripe) {
        inflight.getAndDecrement(stripe);
        Reference.reachabilityFence(this);
    }

    private long inflight() {
        long n = 0;
        for (int i = 0; i < STRIPES; i++) {
            n += inflight.get(i * PAD);
        }
        return n;
    }

    /**
     * Frees the engine once the calls running in other threads have finished; calls made afterwards throw
     * {@link IllegalStateException}. Idempotent: a second call returns once the engine is freed.
     */
    @Override
    public void close() {
        synchronized (closing) {
            if (freed) {
                return;
            }
            closed = true;
            for (int spins = 0; inflight() != 0; spins++) {
                if (spins < 1000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(50_000);
                }
            }
            cleanable.clean();
            freed = true;
        }
        Scratch.sweep(); // results held by threads between calls keep the bundle's memory: drop them now
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    // ---- reloading

    /**
     * Loads the bundle in {@code dir} and swaps it in atomically: calls running meanwhile finish on the old
     * bundle, later calls use the new one. On failure ({@link BundleException}) the old one keeps serving.
     */
    public void reload(Path dir) {
        reload(dir, null);
    }

    /** {@link #reload(Path)} with load limits ({@code null}: the defaults). */
    public void reload(Path dir, LoadOptions options) {
        byte[] path = SourcesStruct.path(dir.toString());
        Pointer opts = SourcesStruct.loadOptions(options);
        Scratch s = Scratch.get();
        int stripe = acquire();
        int rc;
        try {
            rc = CApi.gridroute_engine_reload(handle, path, path.length, opts, s.err);
        } finally {
            release(stripe);
        }
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        Scratch.sweep(); // results held by threads between calls keep the old bundle: drop them now
    }

    /** {@link #reload(Path)} from memory. */
    public void reloadSources(Sources sources) {
        SourcesStruct src = new SourcesStruct(sources);
        Scratch s = Scratch.get();
        int stripe = acquire();
        int rc;
        try {
            rc = CApi.gridroute_engine_reload_sources(handle, src.pointer(), null, s.err);
        } finally {
            release(stripe);
        }
        Reference.reachabilityFence(src);
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        Scratch.sweep();
    }

    // ---- the struct path

    /** Routes an issue (see {@link #route(Issue, boolean)}). */
    public Decision route(Issue issue) {
        return route(issue, false);
    }

    /** The decision with its trace ({@link Decision#trace()}): every rule considered, and why each lost. */
    public Decision explain(Issue issue) {
        return route(issue, true);
    }

    /**
     * Routes an issue through the struct path (no JSON). An unrouted issue is a decision with status
     * {@link DecisionStatus#UNROUTED}, not an exception. An issue with a cell number of the current
     * generation ({@link #findCells}) is routed in that cell.
     *
     * @param explain also fill {@link Decision#trace()}
     * @throws RejectedException for a bad issue (an unknown cell or category, an attribute of the wrong
     *         type...): its message is the engine's reason, {@link RejectedException#decision()} the decision
     * @throws InvalidArgumentException for an attribute value of an unsupported Java type, or a string that
     *         is not valid Unicode
     */
    public Decision route(Issue issue, boolean explain) {
        Objects.requireNonNull(issue, "issue");
        Scratch s = Scratch.get();
        s.claim();
        try {
            Pointer in = IssueStruct.layout(s, issue);
            int stripe = acquire();
            int rc;
            try {
                rc = CApi.gridroute_engine_route(s.decision, handle, in, explain ? Structs.EXPLAIN_OPTIONS : null, s.err);
            } finally {
                release(stripe);
            }
            s.decisionHeld = true;
            if (rc == CApi.OK) {
                return DecisionStruct.read(issue.id(), s);
            }
            GridrouteException e = Structs.exception(rc, s.err);
            if (e instanceof RejectedException && DecisionStruct.status(s) != 0) {
                ((RejectedException) e).withDecision(DecisionStruct.read(issue.id(), s));
            }
            throw e;
        } finally {
            s.unclaim();
        }
    }

    /** Issues a call of {@link #routeMany} hands to the library at once. */
    static final int BATCH = 1024;

    /** Routes many issues (see {@link #routeMany(List, boolean)}). */
    public List<Decision> routeMany(List<Issue> issues) {
        return routeMany(issues, false);
    }

    /**
     * Routes many issues through the struct path: one decision per issue, in order, the decisions of
     * {@link #route(Issue)} one at a time. The issues go to the library in chunks of up to 1,024, each one
     * call against one snapshot of the bundle (a reload between two chunks takes effect at the next), whose
     * memory reads the library overlaps, one issue's wait for memory with the others' (which pays on a
     * large jurisdiction).
     *
     * <p>A bad issue does not stop the others and is not an exception: its decision has status
     * {@link DecisionStatus#REJECTED} and the reason in {@link Decision#error()}, the one that
     * {@link #route(Issue)} would throw for it ({@link RejectedException}, or {@link InvalidArgumentException}
     * for an issue the binding cannot write: an attribute value of an unsupported Java type, a string that is
     * not valid Unicode, no {@code at}).
     *
     * @param explain also fill each decision's {@link Decision#trace()}
     * @return the decisions, unmodifiable; empty for no issues
     * @throws NullPointerException if {@code issues} or one of them is null
     * @throws IllegalStateException once the engine is closed (also when it is closed between two chunks)
     */
    public List<Decision> routeMany(List<Issue> issues, boolean explain) {
        List<Issue> in = List.copyOf(issues); // random access, and no change while it is routed
        int n = in.size();
        if (n == 0) {
            release(acquire()); // a closed engine throws, whatever the count
            return List.of();
        }
        Pointer opts = routeOptions(explain);
        Scratch s = Scratch.get();
        List<Decision> out = new ArrayList<>(n);
        try (IssueBatch batch = new IssueBatch(Math.min(n, BATCH))) {
            for (int from = 0; from < n; from += BATCH) {
                int count = Math.min(BATCH, n - from);
                Pointer issuesIn = batch.layout(s, in, from, count);
                int stripe = acquire();
                int rc;
                try {
                    rc = CApi.gridroute_engine_route_batch(batch.decisions(), handle, issuesIn, count, opts, s.err);
                } finally {
                    release(stripe);
                }
                if (rc != CApi.OK) {
                    throw Structs.exception(rc, s.err);
                }
                batch.read(s, in, from, out);
            }
        }
        return Collections.unmodifiableList(out);
    }

    // ---- cells by number

    /**
     * The numbers of the units {@code ids} in the engine's current bundle, and the generation of that
     * snapshot (one call). An issue that carries its cell's number
     * ({@link CellNumbers#apply(int, Issue)}, {@link Issue#withCellNumber(int, long)}) is routed without its
     * cell id being looked up. An id the bundle does not have gets {@link CellNumbers#NONE}. After
     * {@link #reload} the numbers are not read: an issue with one is routed by its cell id (or location),
     * and rejected when it gives neither; look them up again. An empty list gives the current generation
     * alone: another generation means the engine was reloaded.
     *
     * @throws NullPointerException if {@code ids} or one of them is null
     * @throws InvalidArgumentException for an id that is not valid Unicode
     */
    public CellNumbers findCells(List<String> ids) {
        Objects.requireNonNull(ids, "ids");
        Scratch s = Scratch.get();
        try (UnitIds in = new UnitIds(ids)) {
            int stripe = acquire();
            int rc;
            try {
                rc = CApi.gridroute_engine_find_units(in.numbers(), s.int64, handle, in.ids(), in.count(), s.err);
            } finally {
                release(stripe);
            }
            if (rc != CApi.OK) {
                throw Structs.exception(rc, s.err);
            }
            return new CellNumbers(in.read(), s.int64.getLong(0));
        }
    }

    /** Evaluates a case at {@code now} (see {@link #escalate(Case, Instant, boolean)}). */
    public Action escalate(Case kase, Instant now) {
        return escalate(kase, now, false);
    }

    /**
     * Evaluates a case at {@code now} through the struct path, with its lifecycle (SPEC §6): the pinned rule
     * and handler, the returns ({@link ActionKind#REDISPATCH}, {@link ActionKind#DISPUTE}), the suspensions
     * ({@link ActionKind#SUSPENDED}) and the extension.
     *
     * @param explain also fill {@link Action#trace()}: the steps that led to the action
     * @throws RejectedException for a bad case (a bad issue, an unrouted issue, a level out of range, a
     *         suspension that ends before it starts...); {@link RejectedException#action()} is the rejected action
     */
    public Action escalate(Case kase, Instant now, boolean explain) {
        Objects.requireNonNull(kase, "case");
        long t = Times.micros("now", Objects.requireNonNull(now, "now"));
        Scratch s = Scratch.get();
        s.claim();
        try {
            Pointer in = CaseStruct.layout(s, kase);
            if (in == null) {
                String why = "field 'rating' must be an integer 1..5, got 0";
                throw new RejectedException(why, "", 0, 0, "", List.of()).withAction(new Action(kase.id(),
                        ActionKind.REJECTED, kase.level(), null, null, null, null, null, null, List.of(), List.of(),
                        null, null, null, false, false, why, digest(), null));
            }
            int stripe = acquire();
            int rc;
            try {
                rc = CApi.gridroute_engine_escalate(s.action, handle, in, t, explain ? Structs.EXPLAIN_OPTIONS : null,
                        s.err);
            } finally {
                release(stripe);
            }
            s.actionHeld = true;
            if (rc == CApi.OK) {
                return ActionStruct.read(kase.id(), s);
            }
            GridrouteException e = Structs.exception(rc, s.err);
            if (e instanceof RejectedException && ActionStruct.kind(s) != 0) {
                ((RejectedException) e).withAction(ActionStruct.read(kase.id(), s));
            }
            throw e;
        } finally {
            s.unclaim();
        }
    }

    // ---- provenance

    /**
     * The digest of the engine's current bundle (SPEC §6.6): lowercase hex, the same on every machine for the
     * same files. Every {@link Decision} and {@link Action} carries the digest of the bundle that made it.
     */
    public String digest() {
        Scratch s = Scratch.get();
        int stripe = acquire();
        int rc;
        try {
            rc = CApi.gridroute_engine_digest(s.buf, handle, s.err);
        } finally {
            release(stripe);
        }
        String out = Gridroute.takeText(s.buf);
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        return out;
    }

    /**
     * A new, empty {@link CaseBook} on the engine's current bundle: a scheduler's open cases, kept between
     * sweeps. Close it when done.
     */
    public CaseBook caseBook() {
        Scratch s = Scratch.get();
        int stripe = acquire();
        int rc;
        try {
            rc = CApi.gridroute_case_book_new(s.int64, handle, s.err);
        } finally {
            release(stripe);
        }
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        return new CaseBook(s.int64.getPointer(0));
    }

    // ---- JSON in, JSON out

    private static final byte[] EMPTY = new byte[1];

    private interface JsonCall {
        int call(Pointer out, Pointer engine, byte[] text, long len, Pointer err);
    }

    private byte[] json(byte[] text, JsonCall fn, boolean single) {
        return json(text, text.length, fn, single);
    }

    /** A JSON call on the first {@code len} bytes of {@code text}. */
    private byte[] json(byte[] text, int len, JsonCall fn, boolean single) {
        Objects.requireNonNull(text, "text");
        Scratch s = Scratch.get();
        int stripe = acquire();
        int rc;
        try {
            rc = fn.call(s.buf, handle, text.length == 0 ? EMPTY : text, len, s.err);
        } finally {
            release(stripe);
        }
        byte[] out = Gridroute.takeBytes(s.buf);
        if (rc != CApi.OK) {
            GridrouteException e = Structs.exception(rc, s.err);
            if (single && e instanceof RejectedException && out.length > 0) {
                ((RejectedException) e).withRecord(new String(out, StandardCharsets.UTF_8));
            }
            throw e;
        }
        return out;
    }

    private static Pointer routeOptions(boolean explain) {
        return explain ? Structs.EXPLAIN_OPTIONS : null;
    }

    /**
     * Routes one issue line (a JSON object, SPEC §4) and returns the decision object, exactly as
     * {@code gridroute route} writes it.
     *
     * @throws RejectedException for a bad line; {@link RejectedException#record()} is the rejected record
     */
    public String routeJson(String line) {
        return new String(routeJson(Utf8.encode("line", line), false), StandardCharsets.UTF_8);
    }

    /** {@link #routeJson(String)} on UTF-8 bytes, with or without the trace. */
    public byte[] routeJson(byte[] line, boolean explain) {
        Pointer o = routeOptions(explain);
        return json(line, (out, e, t, n, err) -> CApi.gridroute_engine_route_json(out, e, t, n, o, err), true);
    }

    /**
     * Routes JSON Lines against one bundle snapshot: one decision line per non-blank input line, in order,
     * exactly {@code gridroute route}'s output. Bad lines give {@code rejected} records.
     */
    public String routeJsonl(String text) {
        return new String(routeJsonl(Utf8.encode("text", text), false), StandardCharsets.UTF_8);
    }

    /** {@link #routeJsonl(String)} on UTF-8 bytes, with or without the trace. */
    public byte[] routeJsonl(byte[] text, boolean explain) {
        Pointer o = routeOptions(explain);
        return json(text, (out, e, t, n, err) -> CApi.gridroute_engine_route_jsonl(out, e, t, n, o, err), false);
    }

    /**
     * Routes a stream of JSON Lines into a stream of decision lines, in blocks of about {@code blockBytes}
     * (each block is one C call, against one snapshot). Neither stream is closed.
     */
    public void routeJsonl(InputStream in, OutputStream out, int blockBytes) throws IOException {
        stream(in, out, blockBytes, (o, e, t, n, err) -> CApi.gridroute_engine_route_jsonl(o, e, t, n, null, err), true);
    }

    /** Evaluates one case line at {@code now}, as {@code gridroute escalate} does. */
    public String escalateJson(String line, Instant now) {
        return new String(escalateJson(Utf8.encode("line", line), now), StandardCharsets.UTF_8);
    }

    /** {@link #escalateJson(String, Instant)} on UTF-8 bytes. */
    public byte[] escalateJson(byte[] line, Instant now) {
        long t = Times.micros("now", Objects.requireNonNull(now, "now"));
        return json(line, (out, e, x, n, err) -> CApi.gridroute_engine_escalate_json(out, e, x, n, t, null, err), true);
    }

    /** Evaluates JSON Lines of cases at {@code now}: exactly {@code gridroute escalate}. */
    public String escalateJsonl(String text, Instant now) {
        return new String(escalateJsonl(Utf8.encode("text", text), now), StandardCharsets.UTF_8);
    }

    /** {@link #escalateJsonl(String, Instant)} on UTF-8 bytes. */
    public byte[] escalateJsonl(byte[] text, Instant now) {
        long t = Times.micros("now", Objects.requireNonNull(now, "now"));
        return json(text, (out, e, x, n, err) -> CApi.gridroute_engine_escalate_jsonl(out, e, x, n, t, null, err),
                false);
    }

    /** Evaluates a stream of case lines at {@code now}, in blocks, as {@link #routeJsonl(InputStream, OutputStream, int)}. */
    public void escalateJsonl(InputStream in, OutputStream out, Instant now, int blockBytes) throws IOException {
        long t = Times.micros("now", Objects.requireNonNull(now, "now"));
        stream(in, out, blockBytes, (o, e, x, n, err) -> CApi.gridroute_engine_escalate_jsonl(o, e, x, n, t, null, err),
                false);
    }

    /** A batch call on text in native memory. */
    private interface NativeBatch {
        int call(Pointer out, Pointer engine, Pointer text, long len, Pointer err);
    }

    /** The longest line the library reads (its default, as {@code gridroute --max-line-bytes}). */
    private static final int MAX_LINE_BYTES = 1 << 20;

    /**
     * Cuts the input at line ends into blocks of about {@code blockBytes} and runs each: the block is copied
     * once into native memory, and each answer once into an output array; both are reused block after block.
     * Whatever complete lines have arrived are answered (and the output flushed when the input pauses), so a
     * caller on a socket gets the answers so far. A line over the library's limit is not kept: its bytes are
     * counted and dropped, and it is answered with the {@code rejected} record the CLI writes for it.
     */
    private void stream(InputStream in, OutputStream out, int blockBytes, NativeBatch batch, boolean route)
            throws IOException {
        int size = Math.max(blockBytes, 64);
        byte[] buf = new byte[size];
        Memory text = new Memory(size);
        byte[][] answer = {new byte[0]};
        int filled = 0;
        long skipped = -1; // the bytes dropped so far of an over-long line, or -1
        for (;;) {
            int n = in.read(buf, filled, buf.length - filled);
            boolean eof = n < 0;
            filled += Math.max(n, 0);
            if (skipped >= 0) { // the rest of an over-long line: up to its newline
                int nl = indexOf(buf, 0, filled, (byte) '\n');
                if (nl < 0) {
                    skipped += filled;
                    filled = 0;
                    if (!eof) {
                        continue;
                    }
                    out.write(tooLong(skipped, route));
                    out.flush();
                    return;
                }
                out.write(tooLong(skipped + nl, route));
                System.arraycopy(buf, nl + 1, buf, 0, filled - nl - 1);
                filled -= nl + 1;
                skipped = -1;
            }
            int cut = eof ? filled : lastLineEnd(buf, filled);
            if (cut > 0) {
                Gridroute.copyOut(buf, text, cut);
                Scratch s = Scratch.get();
                int stripe = acquire();
                int rc;
                try {
                    rc = batch.call(s.buf, handle, text, cut, s.err);
                } finally {
                    release(stripe);
                    Reference.reachabilityFence(text);
                }
                int len = Gridroute.takeBytes(s.buf, answer);
                if (rc != CApi.OK) {
                    throw Structs.exception(rc, s.err);
                }
                out.write(answer[0], 0, len);
                System.arraycopy(buf, cut, buf, 0, filled - cut);
                filled -= cut;
            } else if (filled > MAX_LINE_BYTES) { // a line over the limit, and no end yet: drop it as it comes
                skipped = filled;
                filled = 0;
            } else if (filled == buf.length) { // a line longer than the block: read on, up to the limit
                buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_LINE_BYTES + 1));
                text = new Memory(buf.length);
            }
            if (eof) {
                out.flush();
                return;
            }
            if (in.available() == 0) {
                out.flush();
            }
        }
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int i = from; i < to; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** The length of the complete lines at the start of {@code b[0, filled)}. */
    private static int lastLineEnd(byte[] b, int filled) {
        int cut = filled;
        while (cut > 0 && b[cut - 1] != '\n') {
            cut--;
        }
        return cut;
    }

    /** The record of a line of {@code length} bytes over the limit, as the library writes it. */
    private byte[] tooLong(long length, boolean route) {
        String rec = "{\"id\": null, " + (route ? "\"status\"" : "\"action\"") + ": \"rejected\", \"error\": \"the line is "
                + length + " bytes, over the limit of " + MAX_LINE_BYTES + " bytes per line (--max-line-bytes)\", \"bundle\": \""
                + digest() + "\"}\n";
        return rec.getBytes(StandardCharsets.UTF_8);
    }

    // ---- check

    /** The lint findings of {@code gridroute check} (warnings); empty when the bundle is clean. */
    public List<Diagnostic> check() {
        return check(0);
    }

    /**
     * {@link #check()} with at most {@code maxFindingsPerKind} findings of each kind (0: the default, 100).
     *
     * @throws IllegalArgumentException if {@code maxFindingsPerKind} is negative
     */
    public List<Diagnostic> check(int maxFindingsPerKind) {
        if (maxFindingsPerKind < 0) {
            throw new IllegalArgumentException("maxFindingsPerKind must be >= 0 (0: the default), got " + maxFindingsPerKind);
        }
        Structs.CheckOptionsStruct o = new Structs.CheckOptionsStruct();
        o.max_findings_per_kind = maxFindingsPerKind;
        o.write();
        Memory out = new Memory(8);
        out.setPointer(0, null);
        Scratch s = Scratch.get();
        int stripe = acquire();
        int rc;
        try {
            rc = CApi.gridroute_engine_check(out, handle, o.getPointer(), s.err);
        } finally {
            release(stripe);
        }
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        Pointer list = out.getPointer(0);
        try {
            return List.copyOf(new Structs.DiagnosticsStruct(list).toList());
        } finally {
            CApi.gridroute_diagnostics_free(list);
        }
    }

    @Override
    public String toString() {
        return "Engine[" + (isClosed() ? "closed" : "open") + "]";
    }
}
