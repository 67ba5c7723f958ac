package org.gridroute;

/**
 * One problem in a bundle, or one lint finding: {@code FILE:LINE:COLUMN: /json/pointer: message}.
 *
 * @param severity error or warning
 * @param file     e.g. {@code "examples/lanxi/rules.json"}; "" when not about a file
 * @param line     1-based; 0 when unknown
 * @param column   1-based byte column; 0 for CSV files or when unknown
 * @param pointer  RFC 6901 JSON pointer; "" for CSV
 * @param message  what is wrong
 * @param text     the whole line, as {@code gridroute check} prints it
 */
public record Diagnostic(Severity severity, String file, int line, int column, String pointer, String message,
        String text) {

    /** A diagnostic's severity. */
    public enum Severity { ERROR, WARNING }

    @Override
    public String toString() {
        return text;
    }
}
