package org.gridroute;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * The answer for a case at a time (SPEC §3.5, §4). Times are in the jurisdiction's time zone.
 *
 * @param id          the case's id
 * @param action      none, hold, escalate, reopen, overdue or rejected
 * @param level       escalate/reopen: the new level; else the current one
 * @param handler     that level's owner
 * @param role        its role
 * @param department  its department, or null
 * @param unit        the unit where it was found
 * @param rule        the winning rule of the case's issue
 * @param escalation  its policy, or null
 * @param reasons     why it escalates or reopens (empty otherwise)
 * @param nextCheck   hold: the earliest due instant ahead; else null
 * @param respondBy   escalate/reopen: the new level's respond deadline from now; else null
 * @param resolveBy   escalate/reopen: its resolve deadline; else null
 * @param error       rejected: why
 */
public record Action(String id, ActionKind action, int level, String handler, String role, String department,
        String unit, String rule, String escalation, List<Reason> reasons, ZonedDateTime nextCheck,
        ZonedDateTime respondBy, ZonedDateTime resolveBy, String error) {

    public Action {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }
}
