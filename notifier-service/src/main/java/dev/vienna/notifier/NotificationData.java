package dev.vienna.notifier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.events.AgentChanged;
import dev.vienna.events.Approval;
import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ExecutionVerdict;
import dev.vienna.events.Intent;
import dev.vienna.events.IntentTiered;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The {@code data} of each kind of notification, built from the contract's events. Bounded: every text is cut to
 * {@value #MAX_TEXT} characters and every list to {@value #MAX_ITEMS} entries, so a notification stays small whatever
 * the agent wrote.
 */
final class NotificationData {

    static final int MAX_TEXT = 1000;
    static final int MAX_ITEMS = 20;

    static ObjectNode pending(IntentTiered tiered, Instant deadline) {
        ObjectNode data = subject(tiered.getIntentId(), tiered.getTenantId(), tiered.getIntent());
        data.put("tier", tiered.getTier().name());
        data.put("mode", tiered.getMode().name());
        text(data, "justification", tiered.getIntent().getJustification());
        data.put("requiredApprovals", tiered.getRequiredApprovals());
        text(data, "approverRole", tiered.getApproverRole());
        data.put("riskScore", tiered.getRiskScore());
        texts(data, "reasons", tiered.getReasons());
        data.put("policyVersion", tiered.getPolicyVersion());
        data.put("deadline", deadline.toString());
        return data;
    }

    static ObjectNode expiring(ObjectNode pending, Instant now, Instant deadline) {
        ObjectNode data = pending.deepCopy();
        data.remove("reasons");
        data.put("expiresIn", Duration.between(now, deadline).withNanos(0).toString());
        return data;
    }

    static ObjectNode decided(ApprovalDecided decided) {
        ObjectNode data = subject(decided.getIntentId(), decided.getTenantId(), decided.getIntent());
        data.put("tier", decided.getTier().name());
        data.put("outcome", decided.getOutcome().name());
        text(data, "reason", decided.getReason());
        data.set("approvals", approvals(decided.getApprovals()));
        data.set("denials", approvals(decided.getDenials()));
        return data;
    }

    static ObjectNode violation(ExecutionVerdict verdict) {
        ObjectNode data = Notification.JSON.createObjectNode();
        data.put("intentId", verdict.getIntentId());
        data.put("tenantId", verdict.getTenantId());
        data.put("warrantId", verdict.getWarrantId());
        data.put("verdict", verdict.getVerdict().name());
        data.put("mode", verdict.getMode().name());
        text(data, "reporter", verdict.getReporter());
        if (verdict.getStatus() != null) {
            data.put("status", verdict.getStatus().name());
        }
        texts(data, "reasons", verdict.getReasons());
        return data;
    }

    static ObjectNode suspended(AgentChanged change) {
        ObjectNode data = Notification.JSON.createObjectNode();
        data.put("agentId", change.getAgentId());
        data.put("tenantId", change.getTenantId());
        text(data, "suspendedBy", change.getChangedBy());
        text(data, "reason", change.getReason());
        Instant at = change.getSuspendedAt() != null ? change.getSuspendedAt() : change.getOccurredAt();
        data.put("suspendedAt", at.toString());
        texts(data, "owners", change.getOwners());
        return data;
    }

    private static ObjectNode subject(String intentId, String tenantId, Intent intent) {
        ObjectNode data = Notification.JSON.createObjectNode();
        data.put("intentId", intentId);
        data.put("tenantId", tenantId);
        data.put("agentId", intent.getAgentId());
        text(data, "owner", intent.getOwner());
        texts(data, "owners", intent.getOwners());
        data.put("action", intent.getAction());
        text(data, "resource", intent.getResource());
        return data;
    }

    private static ArrayNode approvals(List<Approval> approvals) {
        ArrayNode array = Notification.JSON.createArrayNode();
        approvals.stream().limit(MAX_ITEMS).forEach(a -> {
            ObjectNode entry = array.addObject();
            entry.put("operatorId", cut(a.getOperatorId()));
            text(entry, "reason", a.getReason());
            entry.put("at", a.getApprovedAt().toString());
        });
        return array;
    }

    private static void text(ObjectNode data, String name, String value) {
        if (value != null) {
            data.put(name, cut(value));
        }
    }

    private static void texts(ObjectNode data, String name, List<String> values) {
        ArrayNode array = data.putArray(name);
        values.stream().limit(MAX_ITEMS).map(NotificationData::cut).forEach(array::add);
    }

    static String cut(String value) {
        return value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT - 1) + "…";
    }

    private NotificationData() {}
}
