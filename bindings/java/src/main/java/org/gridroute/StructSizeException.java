package org.gridroute;

import java.util.List;

/** The library does not know a struct this binding passed (GRIDROUTE_E_STRUCT_SIZE): binding and library disagree. */
public class StructSizeException extends GridrouteException {
    private static final long serialVersionUID = 1L;

    public StructSizeException(String message, String file, int line, int column, String pointer, List<Diagnostic> diagnostics) {
        super(2, message, file, line, column, pointer, diagnostics);
    }

    public StructSizeException(String message) {
        super(2, message);
    }
}
