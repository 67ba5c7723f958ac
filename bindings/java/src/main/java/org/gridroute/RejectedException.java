package org.gridroute;

import java.util.List;

/**
 * One issue or case was rejected (GRIDROUTE_E_REJECTED): an unknown cell or category, a missing field, an
 * attribute of the wrong type, bad JSON, an unrouted case. The message is the engine's reason. The engine's
 * answer is kept: {@link #decision()} (struct path route), {@link #action()} (struct path escalate) or
 * {@link #record()} (the JSON {@code rejected} record of the JSON path). Batches never throw this.
 */
public class RejectedException extends GridrouteException {
    private static final long serialVersionUID = 1L;

    private transient Decision decision;
    private transient Action action;
    private String record;

    public RejectedException(String message, String file, int line, int column, String pointer,
            List<Diagnostic> diagnostics) {
        super(4, message, file, line, column, pointer, diagnostics);
    }

    /** The rejected decision of {@link Engine#route(Issue)}, else null. */
    public Decision decision() {
        return decision;
    }

    /** The rejected action of {@link Engine#escalate(Case, java.time.Instant)}, else null. */
    public Action action() {
        return action;
    }

    /** The {@code rejected} JSON record of the JSON calls, else null. */
    public String record() {
        return record;
    }

    RejectedException withDecision(Decision d) {
        decision = d;
        return this;
    }

    RejectedException withAction(Action a) {
        action = a;
        return this;
    }

    RejectedException withRecord(String r) {
        record = r;
        return this;
    }
}
