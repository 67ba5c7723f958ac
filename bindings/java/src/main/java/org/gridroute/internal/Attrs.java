package org.gridroute.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An issue's attributes as {@link org.gridroute.Issue} keeps them: an unmodifiable map in the given order,
 * its names and values in two arrays, so that laying an issue out for the library reads two arrays instead
 * of walking a linked map through its unmodifiable view. Null values are kept (a JSON null); a null name is
 * kept too, and refused when the issue is routed.
 */
public final class Attrs extends AbstractMap<String, Object> {
    private static final Attrs EMPTY = new Attrs(new String[0], new Object[0]);

    private final String[] names;
    private final Object[] values;

    private Attrs(String[] names, Object[] values) {
        this.names = names;
        this.values = values;
    }

    /** The attributes of {@code m}, in its iteration order; {@code m} itself when it is already an Attrs. */
    public static Attrs copyOf(Map<String, ?> m) {
        if (m instanceof Attrs a) {
            return a;
        }
        if (m == null || m.isEmpty()) {
            return EMPTY;
        }
        String[] n = new String[m.size()];
        Object[] v = new Object[n.length];
        int i = 0;
        for (Map.Entry<String, ?> e : m.entrySet()) {
            if (i == n.length) { // a map whose size changed while it was copied
                throw new java.util.ConcurrentModificationException("attrs changed while being copied");
            }
            n[i] = e.getKey();
            v[i] = e.getValue();
            i++;
        }
        if (i != n.length) {
            throw new java.util.ConcurrentModificationException("attrs changed while being copied");
        }
        return new Attrs(n, v);
    }

    /** The name of the {@code i}-th attribute. */
    public String name(int i) {
        return names[i];
    }

    /** The value of the {@code i}-th attribute. */
    public Object value(int i) {
        return values[i];
    }

    @Override
    public int size() {
        return names.length;
    }

    private int indexOf(Object key) {
        for (int i = 0; i < names.length; i++) {
            if (Objects.equals(names[i], key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return names.length;
            }

            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < names.length;
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        if (i >= names.length) {
                            throw new NoSuchElementException();
                        }
                        Map.Entry<String, Object> e = new AbstractMap.SimpleImmutableEntry<>(names[i], values[i]);
                        i++;
                        return e;
                    }
                };
            }
        };
    }
}
