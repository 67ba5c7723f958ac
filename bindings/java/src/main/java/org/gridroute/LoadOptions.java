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

    /** Each limit is 0 (its default) or positive: a negative one would read as a huge unsigned limit. */
    public LoadOptions {
        if (maxJsonDepth < 0 || maxFileBytes < 0 || maxUnits < 0 || maxHandlers < 0 || maxRules < 0 || maxErrors < 0) {
            throw new IllegalArgumentException("a load limit is 0 (the default) or positive: " + toStringOf(
                    maxJsonDepth, maxFileBytes, maxUnits, maxHandlers, maxRules, maxErrors));
        }
    }

    private static String toStringOf(int d, long f, long u, long h, long r, long e) {
        return "maxJsonDepth=" + d + ", maxFileBytes=" + f + ", maxUnits=" + u + ", maxHandlers=" + h + ", maxRules=" + r
                + ", maxErrors=" + e;
    }

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
