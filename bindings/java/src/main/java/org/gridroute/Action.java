package org.gridroute;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * The answer for a case at a time (SPEC §3.5, §4, §6). Times are in the jurisdiction's time zone.
 *
 * @param id          the case's id
 * @param action      none, hold, escalate, reopen, overdue, redispatch, dispute, suspended or rejected
 * @param level       escalate/reopen: the new level; else the current one
 * @param handler     that level's owner; null for a dispute
 * @param role        its role; null for a dispute
 * @param department  its department, or null
 * @param unit        the unit where it was found
 * @param rule        the rule the case is under; null for the fallback owner's ({@code fallback})
 * @param escalation  its policy, or null
 * @param assist      escalate, reopen, redispatch: the level's co-handlers (empty otherwise)
 * @param reasons     why it escalates, reopens or is re-dispatched (empty otherwise)
 * @param nextCheck   hold: the earliest due instant ahead; suspended: when the suspension ends (null when
 *                    open-ended); else null
 * @param respondBy   escalate, reopen, redispatch: the level's respond deadline from now; else null
 * @param resolveBy   escalate, reopen, redispatch: its resolve deadline; else null
 * @param repinned    the case's pinned rule or handler could not be kept (SPEC §6.1)
 * @param fallback    the case's rule is the fallback owner's (SPEC §6.4)
 * @param error       rejected: why
 * @param bundle      the digest of the bundle that decided (SPEC §6.6)
 * @param trace       with {@code explain}: the whole action as JSON, with its {@code "trace"}; else null
 * @param cell        the cell found from the case's location (SPEC §7); null for a case given by its cell
 */
public record Action(String id, ActionKind action, int level, String handler, String role, String department,
        String unit, String rule, String escalation, List<String> assist, List<Reason> reasons,
        ZonedDateTime nextCheck, ZonedDateTime respondBy, ZonedDateTime resolveBy, boolean repinned,
        boolean fallback, String error, String bundle, String trace, String cell) {

    public Action {
        assist = assist == null ? List.of() : List.copyOf(assist);
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    /** An action without a cell found from a location. */
    public Action(String id, ActionKind action, int level, String handler, String role, String department,
            String unit, String rule, String escalation, List<String> assist, List<Reason> reasons,
            ZonedDateTime nextCheck, ZonedDateTime respondBy, ZonedDateTime resolveBy, boolean repinned,
            boolean fallback, String error, String bundle, String trace) {
        this(id, action, level, handler, role, department, unit, rule, escalation, assist, reasons, nextCheck,
                respondBy, resolveBy, repinned, fallback, error, bundle, trace, null);
    }

    /** An action in the shape of binding 1.0 (no assist, flags or bundle). */
    public Action(String id, ActionKind action, int level, String handler, String role, String department,
            String unit, String rule, String escalation, List<Reason> reasons, ZonedDateTime nextCheck,
            ZonedDateTime respondBy, ZonedDateTime resolveBy, String error) {
        this(id, action, level, handler, role, department, unit, rule, escalation, List.of(), reasons, nextCheck,
                respondBy, resolveBy, false, false, error, null, null, null);
    }
}
