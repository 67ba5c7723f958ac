package org.gridroute.internal;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import org.gridroute.NoMemoryException;

import java.util.List;
import java.util.Objects;

/**
 * Unit ids laid out for {@code gridroute_engine_find_units}: an array of {@code gridroute_string} followed
 * by the ids' UTF-8 texts, and the array of int32 numbers the library fills, in native memory freed by
 * {@link #close()}. Not API.
 */
public final class UnitIds implements AutoCloseable {
    private final int count;
    private long block;   // the strings, then their texts
    private long numbers; // int32[count]

    /**
     * Lays out {@code ids}.
     *
     * @throws NullPointerException for a null id
     * @throws org.gridroute.InvalidArgumentException for an id that is not valid Unicode
     */
    public UnitIds(List<String> ids) {
        count = ids.size();
        if (count == 0) {
            return;
        }
        byte[][] texts = new byte[count][];
        long size = (long) count * 16;
        int i = 0;
        for (String id : ids) {
            if (i == count) {
                throw new java.util.ConcurrentModificationException("ids changed while being read");
            }
            texts[i] = Utf8.encode("cell id", Objects.requireNonNull(id, "a cell id is null"));
            size += texts[i].length;
            i++;
        }
        if (i != count) {
            throw new java.util.ConcurrentModificationException("ids changed while being read");
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gridroute: " + size + " bytes of cell ids");
        }
        byte[] v = new byte[(int) size];
        block = malloc(v.length);
        numbers = malloc((long) count * 4);
        int text = count * 16;
        for (i = 0; i < count; i++) {
            Bytes.putLong(v, i * 16, block + text);
            Bytes.putLong(v, i * 16 + 8, texts[i].length);
            System.arraycopy(texts[i], 0, v, text, texts[i].length);
            text += texts[i].length;
        }
        RawMemory.copyOut(v, block, v.length);
    }

    private long malloc(long size) {
        long p = Native.malloc(Math.max(size, 1));
        if (p == 0) {
            close();
            throw new NoMemoryException("gridroute: cannot allocate " + size + " bytes for cell ids");
        }
        return p;
    }

    /** How many ids. */
    public long count() {
        return count;
    }

    /** The ids, as {@code const gridroute_string *} (NULL when there are none). */
    public Pointer ids() {
        return block == 0 ? null : new Pointer(block);
    }

    /** The numbers to fill, as {@code int32_t *} (NULL when there are no ids). */
    public Pointer numbers() {
        return numbers == 0 ? null : new Pointer(numbers);
    }

    /** The numbers the library filled. */
    public int[] read() {
        int[] out = new int[count];
        if (count > 0) {
            new Pointer(numbers).read(0, out, 0, count);
        }
        return out;
    }

    @Override
    public void close() {
        if (block != 0) {
            Native.free(block);
            block = 0;
        }
        if (numbers != 0) {
            Native.free(numbers);
            numbers = 0;
        }
    }
}
