package org.gridroute;

import java.util.List;

/** A missing or impossible argument (GRIDROUTE_E_INVALID_ARGUMENT): a null where a value is required, an unparsable time, an unknown time zone, a closed engine's handle. */
public class InvalidArgumentException extends GridrouteException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message, String file, int line, int column, String pointer, List<Diagnostic> diagnostics) {
        super(1, message, file, line, column, pointer, diagnostics);
    }

    public InvalidArgumentException(String message) {
        super(1, message);
    }
}
