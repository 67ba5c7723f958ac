package org.gridroute;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resident's issue (SPEC §4): {@code {"id", "category", "cell", "at", "attrs"}}.
 *
 * <p>{@code attrs} values may be {@link Boolean}, any {@link Number}, {@link CharSequence}, {@code null},
 * or a {@link Map}, {@link java.util.Collection} or array (a JSON object or list: the engine rejects the
 * issue when such an attribute is declared in {@code rules.json}). Attributes the bundle does not declare
 * are ignored. The engine checks the fields (a missing category or cell, an unknown cell, an attribute of
 * the wrong type) and answers a bad issue with a {@link RejectedException}.
 *
 * @param id       the platform's id, written back in the decision (may be null)
 * @param category a category code, e.g. {@code "env.noise.loudspeaker"}
 * @param cell     a cell of the jurisdiction
 * @param at       when it was reported
 * @param attrs    attributes by name; never null (empty when none), kept in the given order
 */
public record Issue(String id, String category, String cell, Instant at, Map<String, Object> attrs) {
    public Issue {
        attrs = attrs == null || attrs.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    }

    /** An issue without attributes. */
    public Issue(String id, String category, String cell, Instant at) {
        this(id, category, cell, at, Map.of());
    }

    /** This issue with one more attribute. */
    public Issue withAttr(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(attrs);
        m.put(name, value);
        return new Issue(id, category, cell, at, m);
    }
}
