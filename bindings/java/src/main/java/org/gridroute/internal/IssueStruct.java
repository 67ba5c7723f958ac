package org.gridroute.internal;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

import org.gridroute.InvalidArgumentException;
import org.gridroute.Issue;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * {@code gridroute_issue} and the writing of an {@link Issue} into it, with its {@code gridroute_attr}
 * array behind it and their strings in the thread's {@link Scratch}. To add a field: add it to the field
 * list and to {@link #write}.
 */
@FieldOrder({"struct_size", "reserved_", "id", "id_len", "category", "category_len", "cell", "cell_len", "at",
        "attrs", "attr_count", "has_location", "reserved2_", "lon", "lat", "cell_generation", "cell_number",
        "reserved3_"})
public class IssueStruct extends Structure {
    public int struct_size;
    public int reserved_;
    public Pointer id;
    public long id_len;
    public Pointer category;
    public long category_len;
    public Pointer cell;
    public long cell_len;
    public long at;
    public Pointer attrs;
    public long attr_count;
    public int has_location;
    public int reserved2_;
    public double lon;
    public double lat;
    public long cell_generation; // since 1.3
    public int cell_number;
    public int reserved3_;

    private static final IssueStruct L = new IssueStruct();
    /** sizeof(gridroute_issue) as this binding knows it. */
    public static final int SIZE = L.size();
    private static final int STRUCT_SIZE = L.fieldOffset("struct_size");
    private static final int ID = L.fieldOffset("id");
    private static final int CATEGORY = L.fieldOffset("category");
    private static final int CELL = L.fieldOffset("cell");
    private static final int AT = L.fieldOffset("at");
    private static final int ATTRS = L.fieldOffset("attrs");
    private static final int ATTR_COUNT = L.fieldOffset("attr_count");
    private static final int HAS_LOCATION = L.fieldOffset("has_location");
    private static final int LON = L.fieldOffset("lon");
    private static final int LAT = L.fieldOffset("lat");
    private static final int CELL_GENERATION = L.fieldOffset("cell_generation");
    private static final int CELL_NUMBER = L.fieldOffset("cell_number");

    /**
     * Where one issue's strings went among the staged bytes (offsets; -1 for null). One per thread, and one
     * per issue of an {@link IssueBatch}.
     */
    static final class Staged {
        int id, idLen, category, categoryLen, cell, cellLen;
        int attrCount;
        int[] name = new int[8], nameLen = new int[8], str = new int[8], strLen = new int[8], type = new int[8];
        double[] number = new double[8];

        void ensure(int n) {
            if (n > name.length) {
                int m = Math.max(n, name.length * 2);
                name = Arrays.copyOf(name, m);
                nameLen = Arrays.copyOf(nameLen, m);
                str = Arrays.copyOf(str, m);
                strLen = Arrays.copyOf(strLen, m);
                type = Arrays.copyOf(type, m);
                number = Arrays.copyOf(number, m);
            }
        }
    }

    /** Stages the issue's strings in {@code s}; returns the bytes of structs it needs (itself and its attrs). */
    static int stage(Scratch s, Staged st, Issue issue) {
        long p = stageString(s, "field 'id'", issue.id());
        st.id = offset(p);
        st.idLen = length(p);
        p = stageString(s, "field 'category'", issue.category());
        st.category = offset(p);
        st.categoryLen = length(p);
        p = stageString(s, "field 'cell'", issue.cell());
        st.cell = offset(p);
        st.cellLen = length(p);
        Map<String, Object> attrs = issue.attrs();
        int n = attrs.size();
        st.ensure(n);
        int i = 0;
        if (attrs instanceof Attrs a) { // how Issue keeps them: two arrays
            for (; i < n; i++) {
                stageAttr(s, st, i, a.name(i), a.value(i));
            }
        } else {
            for (Map.Entry<String, Object> e : attrs.entrySet()) {
                st.ensure(i + 1);
                stageAttr(s, st, i, e.getKey(), e.getValue());
                i++;
            }
        }
        st.attrCount = i;
        return SIZE + i * Structs.Attr.SIZE;
    }

    /** Stages the {@code i}-th attribute: its name, its type and its value. */
    private static void stageAttr(Scratch s, Staged st, int i, String name, Object v) {
        if (name == null) {
            throw new InvalidArgumentException("an attribute name is null");
        }
        long p = stageString(s, "attribute name '%s'", name, name);
        st.name[i] = offset(p);
        st.nameLen[i] = length(p);
        st.str[i] = -1;
        st.strLen[i] = 0;
        st.number[i] = 0;
        if (v instanceof String str) { // the usual types first, by exact class
            st.type[i] = Structs.Attr.T_STRING;
            p = stageString(s, "attribute '%s'", name, str);
            st.str[i] = offset(p);
            st.strLen[i] = length(p);
        } else if (v instanceof Integer || v instanceof Double || v instanceof Long) {
            st.type[i] = Structs.Attr.T_NUMBER;
            st.number[i] = ((Number) v).doubleValue();
        } else if (v instanceof Boolean b) {
            st.type[i] = Structs.Attr.T_BOOL;
            st.number[i] = b ? 1 : 0;
        } else if (v == null) {
            st.type[i] = Structs.Attr.T_NULL;
        } else if (v instanceof Number num) {
            st.type[i] = Structs.Attr.T_NUMBER;
            st.number[i] = num.doubleValue();
        } else if (v instanceof CharSequence || v instanceof Character) {
            st.type[i] = Structs.Attr.T_STRING;
            p = stageString(s, "attribute '%s'", name, v.toString());
            st.str[i] = offset(p);
            st.strLen[i] = length(p);
        } else if (v instanceof Map) {
            st.type[i] = Structs.Attr.T_OBJECT;
        } else if (v instanceof Collection || v.getClass().isArray()) {
            st.type[i] = Structs.Attr.T_LIST;
        } else {
            throw new InvalidArgumentException("attribute '" + name + "': unsupported type "
                    + v.getClass().getName() + " (use Boolean, a Number, a String, null, a Map or a List)");
        }
    }

    /** Stages a string: its offset among the staged bytes (-1 for null) and its length, packed in a long. */
    private static long stageString(Scratch s, String field, String v) {
        return stageString(s, field, null, v);
    }

    /** The same; {@code field} with {@code name} in place of its %s names the string in an error. */
    private static long stageString(Scratch s, String field, String name, String v) {
        if (v == null) {
            return -1L << 32;
        }
        int off = s.stage(field, name, v);
        return ((long) off << 32) | (s.stagedLength() - off);
    }

    private static int offset(long packed) {
        return (int) (packed >> 32);
    }

    private static int length(long packed) {
        return (int) packed;
    }

    /**
     * Writes the staged issue at {@code at} in the block {@code v} (native address {@code base}), its
     * attributes right behind it, its strings at {@code strings} (an offset in the block).
     */
    static void write(byte[] v, int at, long base, int strings, Staged st, Issue issue) {
        write(v, at, at + SIZE, base, strings, st, issue);
    }

    /** {@link #write(byte[], int, long, int, Staged, Issue)} with the attributes at {@code attrs} in the block. */
    static void write(byte[] v, int at, int attrs, long base, int strings, Staged st, Issue issue) {
        Bytes.putInt(v, at + STRUCT_SIZE, SIZE);
        Bytes.putInt(v, at + STRUCT_SIZE + 4, 0);
        putString(v, at + ID, base, strings, st.id, st.idLen);
        putString(v, at + CATEGORY, base, strings, st.category, st.categoryLen);
        putString(v, at + CELL, base, strings, st.cell, st.cellLen);
        if (issue.at() == null) { // GRIDROUTE_TIME_NONE would be routed as a time: it is not one
            throw new InvalidArgumentException("field 'at' is required: the issue has no time");
        }
        Bytes.putLong(v, at + AT, Times.micros("field 'at'", issue.at()));
        Bytes.putLong(v, at + ATTRS, st.attrCount == 0 ? 0 : base + attrs);
        Bytes.putLong(v, at + ATTR_COUNT, st.attrCount);
        Issue.Location loc = issue.location();
        Bytes.putInt(v, at + HAS_LOCATION, loc == null ? 0 : 1);
        Bytes.putInt(v, at + HAS_LOCATION + 4, 0);
        Bytes.putDouble(v, at + LON, loc == null ? 0 : loc.lon());
        Bytes.putDouble(v, at + LAT, loc == null ? 0 : loc.lat());
        Bytes.putLong(v, at + CELL_GENERATION, issue.cellGeneration());
        Bytes.putInt(v, at + CELL_NUMBER, issue.cellNumber());
        Bytes.putInt(v, at + CELL_NUMBER + 4, 0);
        for (int i = 0; i < st.attrCount; i++) {
            int a = attrs + i * Structs.Attr.SIZE;
            putString(v, a + Structs.Attr.NAME, base, strings, st.name[i], st.nameLen[i]);
            Bytes.putInt(v, a + Structs.Attr.TYPE, st.type[i]);
            Bytes.putInt(v, a + Structs.Attr.BOOL, st.type[i] == Structs.Attr.T_BOOL && st.number[i] != 0 ? 1 : 0);
            Bytes.putDouble(v, a + Structs.Attr.NUMBER, st.type[i] == Structs.Attr.T_NUMBER ? st.number[i] : 0);
            putString(v, a + Structs.Attr.STRING, base, strings, st.str[i], st.strLen[i]);
        }
    }

    /**
     * Writes at {@code at} in {@code v} an issue that the library rejects (no id, nothing else), in the place
     * of one the binding could not lay out.
     */
    static void writeRefused(byte[] v, int at) {
        Arrays.fill(v, at, at + SIZE, (byte) 0);
        Bytes.putInt(v, at + STRUCT_SIZE, SIZE);
    }

    /** A pointer + length pair: NULL and 0 for an absent string. */
    private static void putString(byte[] v, int off, long base, int strings, int staged, int len) {
        Bytes.putLong(v, off, staged < 0 ? 0 : base + strings + staged);
        Bytes.putLong(v, off + 8, len);
    }

    /** Lays a lone issue out in the scratch block; returns the pointer to pass as {@code const gridroute_issue *}. */
    public static Pointer layout(Scratch s, Issue issue) {
        s.resetStrings();
        int structs = stage(s, s.staged, issue);
        byte[] v = s.layout(structs);
        write(v, 0, s.blockAddress(), structs, s.staged, issue);
        return s.commit(structs);
    }
}
