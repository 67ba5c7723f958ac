package org.gridroute;

import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.gridroute.internal.CApi;
import org.gridroute.internal.Cleanup;
import org.gridroute.internal.Scratch;
import org.gridroute.internal.Structs;
import org.gridroute.internal.Times;
import org.gridroute.internal.Utf8;

/**
 * A scheduler's open cases, kept between sweeps (docs/lifecycle.md). Each case line is checked and settled
 * once, when it is added or replaced after an event; each sweep only compares {@code now} with the
 * deadlines the book keeps, and answers exactly as {@link Engine#escalateJsonl(String, Instant)} would for
 * the same lines at the same {@code now}.
 *
 * <pre>{@code
 * try (CaseBook book = engine.caseBook()) {
 *     long first = book.add(caseLines);              // slots first, first + 1, ...
 *     String actions = book.sweepJsonl(now);         // one line per slot
 *     book.replace(slot, lineAfterAnEvent);
 * }
 * }</pre>
 *
 * A book answers with the bundle the engine had when it was made: after a reload, make a new one. Sweeps
 * may run in several threads at once; {@code add}, {@code replace} and {@code remove} wait for them.
 */
public final class CaseBook implements AutoCloseable {
    private static final byte[] EMPTY = new byte[1];

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private Pointer handle;
    private final Cleaner.Cleanable cleanable;

    CaseBook(Pointer handle) {
        this.handle = handle;
        this.cleanable = Cleanup.register(this, handle, CApi::gridroute_case_book_free);
    }

    private Pointer open() {
        if (handle == null) {
            throw new IllegalStateException("gridroute: the case book is closed");
        }
        return handle;
    }

    /** How many cases the book holds; their slots are 0 to size() - 1. */
    public long size() {
        lock.readLock().lock();
        try {
            return CApi.gridroute_case_book_size(open());
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Adds every non-blank line of {@code jsonl} (case lines, SPEC §4 and §6), in order, and returns the slot
     * of the first. A line that cannot be read is kept: every sweep answers it {@code rejected}.
     */
    public long add(String jsonl) {
        return add(Utf8.encode("jsonl", jsonl));
    }

    /** {@link #add(String)} on UTF-8 bytes. */
    public long add(byte[] jsonl) {
        Objects.requireNonNull(jsonl, "jsonl");
        Scratch s = Scratch.get();
        lock.writeLock().lock();
        int rc;
        try {
            rc = CApi.gridroute_case_book_add_jsonl(open(), jsonl.length == 0 ? EMPTY : jsonl, jsonl.length, s.int64, s.err);
        } finally {
            lock.writeLock().unlock();
        }
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        return s.int64.getLong(0);
    }

    /** Puts one case line (the case after an event, whole) in {@code slot}. */
    public void replace(long slot, String line) {
        checkSlot(slot);
        byte[] data = Utf8.encode("line", line);
        Scratch s = Scratch.get();
        lock.writeLock().lock();
        int rc;
        try {
            rc = CApi.gridroute_case_book_replace_json(open(), slot, data.length == 0 ? EMPTY : data, data.length, s.err);
        } finally {
            lock.writeLock().unlock();
        }
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
    }

    // A negative slot would reach C as a size_t in the quintillions; it is refused here, by its value.
    private static void checkSlot(long slot) {
        if (slot < 0) {
            throw new InvalidArgumentException("slot must be from 0 to the book's size - 1, got " + slot);
        }
    }

    /** Takes the case in {@code slot} out; the last case moves into {@code slot}. */
    public void remove(long slot) {
        checkSlot(slot);
        Scratch s = Scratch.get();
        lock.writeLock().lock();
        int rc;
        try {
            rc = CApi.gridroute_case_book_remove(open(), slot, s.err);
        } finally {
            lock.writeLock().unlock();
        }
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
    }

    /** The action of every case at {@code now}: one line per slot, as {@code gridroute escalate} writes it. */
    public String sweepJsonl(Instant now) {
        return new String(sweepJsonlBytes(now), StandardCharsets.UTF_8);
    }

    /** {@link #sweepJsonl(Instant)} as UTF-8 bytes. */
    public byte[] sweepJsonlBytes(Instant now) {
        long t = Times.micros("now", Objects.requireNonNull(now, "now"));
        Scratch s = Scratch.get();
        lock.readLock().lock();
        int rc;
        try {
            rc = CApi.gridroute_case_book_sweep_jsonl(s.buf, open(), t, s.err);
        } finally {
            lock.readLock().unlock();
        }
        byte[] out = Gridroute.takeBytes(s.buf);
        if (rc != CApi.OK) {
            throw Structs.exception(rc, s.err);
        }
        return out;
    }

    /** Frees the book; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (handle != null) {
                handle = null;
                cleanable.clean(); // frees it, once; a book never closed is freed when it is collected
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
