package org.gridroute;

import java.util.List;

/** An unexpected failure inside the library, or a library newer than this binding answered something it does not know (GRIDROUTE_E_INTERNAL). */
public class InternalException extends GridrouteException {
    private static final long serialVersionUID = 1L;

    public InternalException(String message, String file, int line, int column, String pointer, List<Diagnostic> diagnostics) {
        super(6, message, file, line, column, pointer, diagnostics);
    }

    public InternalException(String message) {
        super(6, message);
    }
}
