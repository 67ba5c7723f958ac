package org.gridroute;

import java.time.Instant;
import java.util.List;

/**
 * An issue under way, for escalation (SPEC §3.5, §4): the issue's fields plus its state, and its lifecycle
 * (SPEC §6, all optional: a case without it is evaluated as in contract 1.0).
 *
 * <pre>{@code
 * Case c = new Case(issue, 0, started, true, 0)
 *         .withRule("illegal-building").withHandler("squad-1")
 *         .withReturned(List.of(new Return("squad-1", returnedAt, "not ours")))
 *         .withSuspended(List.of(new Suspension(from, null)));
 * }</pre>
 *
 * @param issue          the issue (its id is the case's)
 * @param level          the current level, &gt;= 0
 * @param levelStartedAt when the current level started
 * @param responded      whether the current owner has responded
 * @param reports        reports received since the level started, &gt;= 0
 * @param status         open or resolved
 * @param rating         the resident's rating 1..5, or null for none
 * @param rule           the rule the case was dispatched under (pinned, SPEC §6.1), or null
 * @param handler        the owner at the current level (pinned), or null
 * @param returned       returns (退单) approved at the current level (SPEC §6.2); never null
 * @param suspended      periods the clock stops (挂起, SPEC §6.3); never null
 * @param extendedTo     the current level's resolve due, extended (延期), or null
 */
public record Case(Issue issue, int level, Instant levelStartedAt, boolean responded, long reports,
        CaseStatus status, Integer rating, String rule, String handler, List<Return> returned,
        List<Suspension> suspended, Instant extendedTo) {

    public Case {
        // A case is open or resolved: no status is a caller's slip, not an open case.
        java.util.Objects.requireNonNull(status, "status (CaseStatus.OPEN or RESOLVED)");
        returned = returned == null ? List.of() : List.copyOf(returned);
        suspended = suspended == null ? List.of() : List.copyOf(suspended);
    }

    /** A case without a lifecycle. */
    public Case(Issue issue, int level, Instant levelStartedAt, boolean responded, long reports, CaseStatus status,
            Integer rating) {
        this(issue, level, levelStartedAt, responded, reports, status, rating, null, null, List.of(), List.of(), null);
    }

    /** An open case without a rating. */
    public Case(Issue issue, int level, Instant levelStartedAt, boolean responded, long reports) {
        this(issue, level, levelStartedAt, responded, reports, CaseStatus.OPEN, null);
    }

    /** The case's id (its issue's). */
    public String id() {
        return issue == null ? null : issue.id();
    }

    /** This case with its rule pinned. */
    public Case withRule(String rule) {
        return new Case(issue, level, levelStartedAt, responded, reports, status, rating, rule, handler, returned,
                suspended, extendedTo);
    }

    /** This case with its current owner pinned. */
    public Case withHandler(String handler) {
        return new Case(issue, level, levelStartedAt, responded, reports, status, rating, rule, handler, returned,
                suspended, extendedTo);
    }

    /** This case with these returns. */
    public Case withReturned(List<Return> returned) {
        return new Case(issue, level, levelStartedAt, responded, reports, status, rating, rule, handler, returned,
                suspended, extendedTo);
    }

    /** This case with these suspensions. */
    public Case withSuspended(List<Suspension> suspended) {
        return new Case(issue, level, levelStartedAt, responded, reports, status, rating, rule, handler, returned,
                suspended, extendedTo);
    }

    /** This case with its resolve due extended. */
    public Case withExtendedTo(Instant extendedTo) {
        return new Case(issue, level, levelStartedAt, responded, reports, status, rating, rule, handler, returned,
                suspended, extendedTo);
    }

    /**
     * A return (退单) approved at the case's current level: {@code handler} sent the case back at {@code at}.
     *
     * @param handler the handler that returned it
     * @param at      when
     * @param reason  why, or null
     */
    public record Return(String handler, Instant at, String reason) {
        public Return {
            java.util.Objects.requireNonNull(handler, "handler (the handler that returned the case)");
        }
    }

    /**
     * A suspension (挂起): the case's clock stops from {@code from} to {@code to}.
     *
     * @param from when it starts
     * @param to   when it ends, after {@code from}; null: still suspended
     */
    public record Suspension(Instant from, Instant to) {}
}
