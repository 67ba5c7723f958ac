package org.gridroute;

/**
 * Limits for loading a bundle ({@code gridroute_load_options}); 0 in a field means its default.
 *
 * @param maxJsonDepth  default 64
 * @param maxFileBytes  per file; default 1 GiB
 * @param maxUnits      default 20,000,000
 * @param maxHandlers   default 10,000,000
 * @param maxRules      default 1,000,000
 * @param maxErrors     stop collecting diagnostics after this many; default 1000
 */
public record LoadOptions(int maxJsonDepth, long maxFileBytes, long maxUnits, long maxHandlers, long maxRules,
        long maxErrors) {

    /** Every limit at its default. */
    public static final LoadOptions DEFAULTS = new LoadOptions(0, 0, 0, 0, 0, 0);

    public LoadOptions withMaxErrors(long n) {
        return new LoadOptions(maxJsonDepth, maxFileBytes, maxUnits, maxHandlers, maxRules, n);
    }

    public LoadOptions withMaxFileBytes(long n) {
        return new LoadOptions(maxJsonDepth, n, maxUnits, maxHandlers, maxRules, maxErrors);
    }

    public LoadOptions withMaxJsonDepth(int n) {
        return new LoadOptions(n, maxFileBytes, maxUnits, maxHandlers, maxRules, maxErrors);
    }
}
