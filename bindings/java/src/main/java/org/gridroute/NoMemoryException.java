package org.gridroute;

import java.util.List;

/** The library could not allocate memory (GRIDROUTE_E_NO_MEMORY). */
public class NoMemoryException extends GridrouteException {
    private static final long serialVersionUID = 1L;

    public NoMemoryException(String message, String file, int line, int column, String pointer, List<Diagnostic> diagnostics) {
        super(5, message, file, line, column, pointer, diagnostics);
    }

    public NoMemoryException(String message) {
        super(5, message);
    }
}
