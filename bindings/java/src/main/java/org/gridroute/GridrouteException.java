package org.gridroute;

import java.util.List;

/**
 * A failure reported by libgridroute: one subclass per status code of the C ABI
 * ({@link InvalidArgumentException}, {@link StructSizeException}, {@link BundleException},
 * {@link RejectedException}, {@link NoMemoryException}, {@link InternalException}); this class itself for a
 * code this binding does not know.
 */
public class GridrouteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String file;
    private final int line;
    private final int column;
    private final String pointer;
    private final List<Diagnostic> diagnostics;

    public GridrouteException(int code, String message, String file, int line, int column, String pointer,
            List<Diagnostic> diagnostics) {
        super(message);
        this.code = code;
        this.file = file == null ? "" : file;
        this.line = line;
        this.column = column;
        this.pointer = pointer == null ? "" : pointer;
        this.diagnostics = diagnostics == null ? List.of() : List.copyOf(diagnostics);
    }

    GridrouteException(int code, String message) {
        this(code, message, "", 0, 0, "", List.of());
    }

    /** The C status code ({@code gridroute_status}). */
    public int code() {
        return code;
    }

    /** Where the first problem is (bundle errors), else "". */
    public String file() {
        return file;
    }

    /** Its line, 1-based; 0 when unknown. */
    public int line() {
        return line;
    }

    /** Its byte column, 1-based; 0 when unknown. */
    public int column() {
        return column;
    }

    /** The JSON pointer of the first problem, else "". */
    public String pointer() {
        return pointer;
    }

    /** Every problem found (bundle errors); empty otherwise. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** The exception for a status code: the subclass of that code, or this class for an unknown one. */
    public static GridrouteException of(int code, String message, String file, int line, int column, String pointer,
            List<Diagnostic> diagnostics) {
        switch (code) {
            case 1: return new InvalidArgumentException(message, file, line, column, pointer, diagnostics);
            case 2: return new StructSizeException(message, file, line, column, pointer, diagnostics);
            case 3: return new BundleException(message, file, line, column, pointer, diagnostics);
            case 4: return new RejectedException(message, file, line, column, pointer, diagnostics);
            case 5: return new NoMemoryException(message, file, line, column, pointer, diagnostics);
            case 6: return new InternalException(message, file, line, column, pointer, diagnostics);
            default: return new GridrouteException(code, message, file, line, column, pointer, diagnostics);
        }
    }
}
