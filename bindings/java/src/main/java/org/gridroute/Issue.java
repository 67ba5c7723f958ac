package org.gridroute;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.gridroute.internal.Attrs;

/**
 * A resident's issue (SPEC §4): {@code {"id", "category", "cell", "at", "attrs"}}, or with a
 * {@code "location"} instead of the cell (SPEC §7).
 *
 * <p>{@code attrs} values may be {@link Boolean}, any {@link Number}, {@link CharSequence}, {@code null},
 * or a {@link Map}, {@link java.util.Collection} or array (a JSON object or list: the engine rejects the
 * issue when such an attribute is declared in {@code rules.json}). Attributes the bundle does not declare
 * are ignored. The engine checks the fields (a missing category or cell, an unknown cell, an attribute of
 * the wrong type) and answers a bad issue with a {@link RejectedException}.
 *
 * <p>Since 1.3 an issue may also give its cell by number ({@link #withCellNumber(int, long)}): the number
 * and generation {@link Engine#findCells} gave for the cell's id. When the generation is the engine's
 * current one the cell is taken by its number, and {@code cell} and {@code location} are not read; after a
 * reload the number is not used: the issue is routed by {@code cell} or {@code location} if it gives one,
 * and rejected otherwise.
 *
 * @param id             the platform's id, written back in the decision (may be null)
 * @param category       a category code, e.g. {@code "env.noise.loudspeaker"}
 * @param cell           a cell of the jurisdiction; null when {@code location} or the cell number gives the
 *                       place instead
 * @param at             when it was reported
 * @param attrs          attributes by name; never null (empty when none), kept in the given order
 * @param location       since 1.1 (SPEC §7): where the issue is, instead of {@code cell}; the engine finds the
 *                       cell whose polygon holds it; null when the issue names its cell
 * @param cellNumber     since 1.3: the cell's number from {@link Engine#findCells}, or
 *                       {@link CellNumbers#NONE}; read only with {@code cellGeneration}
 * @param cellGeneration since 1.3: the {@link CellNumbers#generation()} the number belongs to; 0 (the
 *                       default) when the issue gives no number
 */
public record Issue(String id, String category, String cell, Instant at, Map<String, Object> attrs,
        Location location, int cellNumber, long cellGeneration) {
    public Issue {
        attrs = Attrs.copyOf(attrs);
    }

    /** An issue in a cell or at a location, without a cell number (the shape of binding 1.2). */
    public Issue(String id, String category, String cell, Instant at, Map<String, Object> attrs,
            Location location) {
        this(id, category, cell, at, attrs, location, CellNumbers.NONE, 0);
    }

    /** An issue in a cell. */
    public Issue(String id, String category, String cell, Instant at, Map<String, Object> attrs) {
        this(id, category, cell, at, attrs, null);
    }

    /** An issue without attributes. */
    public Issue(String id, String category, String cell, Instant at) {
        this(id, category, cell, at, Map.of(), null);
    }

    /** This issue with one more attribute. */
    public Issue withAttr(String name, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(attrs);
        m.put(name, value);
        return new Issue(id, category, cell, at, m, location, cellNumber, cellGeneration);
    }

    /** This issue at a place (and in no named cell, and without a cell number). */
    public Issue withLocation(double lon, double lat) {
        return new Issue(id, category, null, at, attrs, new Location(lon, lat));
    }

    /**
     * This issue with its cell given by number: {@code number} as {@link CellNumbers#number(int)} gave it, and
     * the {@link CellNumbers#generation()} it belongs to. Keep {@code cell} too when the engine may be
     * reloaded: after a reload the issue is then routed by its cell id instead of being rejected.
     */
    public Issue withCellNumber(int number, long generation) {
        return new Issue(id, category, cell, at, attrs, location, number, generation);
    }

    /**
     * A point in degrees, WGS 84, as the bundle's cell polygons (SPEC §7).
     *
     * @param lon longitude, -180..180
     * @param lat latitude, -90..90
     */
    public record Location(double lon, double lat) {}
}
