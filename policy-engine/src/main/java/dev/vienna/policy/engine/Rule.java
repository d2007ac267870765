package dev.vienna.policy.engine;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.RuleMode;
import dev.vienna.events.Tier;
import dev.vienna.sdk.cel.BooleanExpressions.Expression;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A compiled rule. It matches an intent when the intent's action is one of {@link #actions} (all actions when empty; a
 * trailing {@code *} matches a prefix) and its condition holds. Its effects are all optional; {@link PolicyLoader}
 * ensures a rule has at least one.
 */
record Rule(
        String id,
        String file,
        String description,
        RuleMode mode,
        List<String> actions,
        Expression condition,
        String deny,
        Tier tierFloor,
        Tier setTier,
        Integer approvals,
        String approverRole,
        boolean requireJustification,
        ExecutionMode execution,
        Duration approvalTtl,
        Map<String, String> constraints,
        String effect) {

    /** A rule whose {@link #effect} is described from its effects, once: decisions quote it on every match. */
    static Rule of(
            String id,
            String file,
            String description,
            RuleMode mode,
            List<String> actions,
            Expression condition,
            String deny,
            Tier tierFloor,
            Tier setTier,
            Integer approvals,
            String approverRole,
            boolean requireJustification,
            ExecutionMode execution,
            Duration approvalTtl,
            Map<String, String> constraints) {
        return new Rule(
                id,
                file,
                description,
                mode,
                actions,
                condition,
                deny,
                tierFloor,
                setTier,
                approvals,
                approverRole,
                requireJustification,
                execution,
                approvalTtl,
                constraints,
                describe(
                        deny,
                        tierFloor,
                        setTier,
                        approvals,
                        approverRole,
                        requireJustification,
                        execution,
                        approvalTtl,
                        constraints));
    }

    boolean selects(String action) {
        if (actions.isEmpty()) {
            return true;
        }
        for (String pattern : actions) {
            if (pattern.endsWith("*")
                    ? action.startsWith(pattern.substring(0, pattern.length() - 1))
                    : action.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** A rule's effects in words, for decisions and {@code GET /v1/policy}. */
    private static String describe(
            String deny,
            Tier tierFloor,
            Tier setTier,
            Integer approvals,
            String approverRole,
            boolean requireJustification,
            ExecutionMode execution,
            Duration approvalTtl,
            Map<String, String> constraints) {
        List<String> parts = new ArrayList<>();
        if (deny != null) {
            parts.add("deny: " + deny);
        }
        if (setTier != null) {
            parts.add("tier set to " + setTier);
        }
        if (tierFloor != null) {
            parts.add("tier floor " + tierFloor);
        }
        if (approvals != null) {
            parts.add(approvals + " approval(s)");
        }
        if (approverRole != null) {
            parts.add("approver role " + approverRole);
        }
        if (requireJustification) {
            parts.add("justification required");
        }
        if (execution != null) {
            parts.add(execution + " execution");
        }
        if (approvalTtl != null) {
            parts.add("decide within " + approvalTtl);
        }
        if (!constraints.isEmpty()) {
            parts.add("constraints " + constraints);
        }
        return String.join(", ", parts);
    }
}
