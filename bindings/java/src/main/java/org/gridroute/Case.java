package org.gridroute;

import java.time.Instant;

/**
 * An issue under way, for escalation (SPEC §3.5, §4): the issue's fields plus its state.
 *
 * @param issue          the issue (its id is the case's)
 * @param level          the current level, &gt;= 0
 * @param levelStartedAt when the current level started
 * @param responded      whether the current owner has responded
 * @param reports        reports received since the level started, &gt;= 0
 * @param status         open or resolved
 * @param rating         the resident's rating 1..5, or null for none
 */
public record Case(Issue issue, int level, Instant levelStartedAt, boolean responded, long reports,
        CaseStatus status, Integer rating) {

    /** An open case without a rating. */
    public Case(Issue issue, int level, Instant levelStartedAt, boolean responded, long reports) {
        this(issue, level, levelStartedAt, responded, reports, CaseStatus.OPEN, null);
    }

    /** The case's id (its issue's). */
    public String id() {
        return issue == null ? null : issue.id();
    }
}
