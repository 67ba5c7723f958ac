package org.gridroute;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * The answer for an issue (SPEC §4, §6.4, §6.6, §7). Times are in the jurisdiction's time zone.
 *
 * @param id          the id
 * @param status      routed, unrouted or rejected
 * @param rule        routed: the winning rule; null for the fallback owner ({@code fallback})
 * @param role        routed: the owner's role
 * @param department  routed: the role's department, or null
 * @param handler     routed: the owner
 * @param unit        routed: the unit where the owner was found
 * @param cell        the cell found from the location (SPEC §7); null when the issue named its cell
 * @param alternates  the other handlers of the owner's role at that unit (empty when none)
 * @param assist      co-handlers (empty when none)
 * @param level       0, or the severity_skip level
 * @param escalation  the escalation policy, or null
 * @param respondBy   the respond deadline, or null
 * @param resolveBy   the resolve deadline, or null
 * @param fallback    routed to the bundle's fallback owner ({@code defaults.fallback}): no rule routes the issue
 * @param reason      unrouted: why
 * @param error       rejected: why
 * @param bundle      the digest of the bundle that decided (SPEC §6.6)
 * @param trace       with {@code explain}: the whole decision as JSON, with its {@code "trace"}; else null
 */
public record Decision(String id, DecisionStatus status, String rule, String role, String department,
        String handler, String unit, String cell, List<String> alternates, List<String> assist, int level,
        String escalation, ZonedDateTime respondBy, ZonedDateTime resolveBy, boolean fallback, String reason,
        String error, String bundle, String trace) {

    public Decision {
        alternates = alternates == null ? List.of() : List.copyOf(alternates);
        assist = assist == null ? List.of() : List.copyOf(assist);
    }

    /**
     * A decision in the shape of binding 1.0 (no cell, no bundle; {@code fallback} when routed without a
     * rule).
     */
    public Decision(String id, DecisionStatus status, String rule, String role, String department, String handler,
            String unit, List<String> alternates, List<String> assist, int level, String escalation,
            ZonedDateTime respondBy, ZonedDateTime resolveBy, String reason, String error, String trace) {
        this(id, status, rule, role, department, handler, unit, null, alternates, assist, level, escalation,
                respondBy, resolveBy, status == DecisionStatus.ROUTED && rule == null, reason, error, null, trace);
    }

    /** Whether an owner was found. */
    public boolean routed() {
        return status == DecisionStatus.ROUTED;
    }
}
