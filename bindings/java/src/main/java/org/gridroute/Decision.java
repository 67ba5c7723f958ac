package org.gridroute;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * The answer for an issue (SPEC §4). Times are in the jurisdiction's time zone.
 *
 * @param id          the id
 * @param status      routed, unrouted or rejected
 * @param rule        routed: the winning rule
 * @param role        routed: the owner's role
 * @param department  routed: the role's department, or null
 * @param handler     routed: the owner
 * @param unit        routed: the unit where the owner was found
 * @param alternates  the other handlers of the owner's role at that unit (empty when none)
 * @param assist      co-handlers (empty when none)
 * @param level       0, or the severity_skip level
 * @param escalation  the escalation policy, or null
 * @param respondBy   the respond deadline, or null
 * @param resolveBy   the resolve deadline, or null
 * @param reason      unrouted: why
 * @param error       rejected: why
 * @param trace       with {@code explain}: the whole decision as JSON, with its {@code "trace"}; else null
 */
public record Decision(String id, DecisionStatus status, String rule, String role, String department,
        String handler, String unit, List<String> alternates, List<String> assist, int level, String escalation,
        ZonedDateTime respondBy, ZonedDateTime resolveBy, String reason, String error, String trace) {

    public Decision {
        alternates = alternates == null ? List.of() : List.copyOf(alternates);
        assist = assist == null ? List.of() : List.copyOf(assist);
    }

    /** Whether an owner was found. */
    public boolean routed() {
        return status == DecisionStatus.ROUTED;
    }

    /**
     * Whether the bundle's fallback handler owns the issue because no rule routes it (SPEC §6.4): a routed
     * decision without a rule. Always false with a library that has no fallback.
     */
    public boolean fallback() {
        return status == DecisionStatus.ROUTED && rule == null;
    }
}
