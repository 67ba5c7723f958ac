package org.gridroute;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bundle in memory rather than in a directory ({@code gridroute_bundle_sources}).
 *
 * @param label            prefix of file names in diagnostics; null means {@code "<memory>"}
 * @param jurisdictionJson the text of jurisdiction.json
 * @param rulesJson        the text of rules.json
 * @param files            the CSV files that jurisdiction.json names, by name (e.g. {@code "units.csv"})
 */
public record Sources(String label, String jurisdictionJson, String rulesJson, Map<String, String> files) {
    public Sources {
        files = files == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /** A bundle of two JSON texts and no CSV files. */
    public Sources(String jurisdictionJson, String rulesJson) {
        this(null, jurisdictionJson, rulesJson, Map.of());
    }
}
