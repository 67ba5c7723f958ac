package org.gridroute;

import java.util.List;

/**
 * The bundle was refused (GRIDROUTE_E_BUNDLE): {@link #diagnostics()} lists every problem found, each as
 * {@code FILE:LINE:COLUMN: /json/pointer: message}; {@link #file()}, {@link #line()}, {@link #column()} and
 * {@link #pointer()} are those of the first. A failed reload keeps the old bundle serving.
 */
public class BundleException extends GridrouteException {
    private static final long serialVersionUID = 1L;

    public BundleException(String message, String file, int line, int column, String pointer,
            List<Diagnostic> diagnostics) {
        super(3, message, file, line, column, pointer, diagnostics);
    }
}
