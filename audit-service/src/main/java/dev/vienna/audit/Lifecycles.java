package dev.vienna.audit;

import dev.vienna.events.IntentLifecycle;
import dev.vienna.events.IntentState;
import dev.vienna.events.LifecycleStep;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An intent's lifecycle, advanced by observations. Events of one intent arrive from several topics and may interleave,
 * so the state only moves forward: a late "tiered" never undoes "executed". A post-execution verdict does not change
 * the state: the lifecycle keeps the latest verdict and its reasons.
 */
final class Lifecycles {

    private static int rank(IntentState state) {
        return switch (state) {
            case SUBMITTED -> 0;
            case TIERED -> 1;
            case PENDING_APPROVAL -> 2;
            case APPROVED -> 3;
            case WARRANTED -> 4;
            case EXECUTED, FAILED, REJECTED, DENIED, EXPIRED -> 5;
        };
    }

    /**
     * Advances {@code current} (a private copy read from the store, changed in place; Avro's copy builder is avoided
     * because it resolves enums through the global model's class loader) or starts a lifecycle when there is none.
     */
    static IntentLifecycle advance(IntentLifecycle current, Observation o, String auditRecordId) {
        IntentLifecycle next = current != null
                ? current
                : IntentLifecycle.newBuilder()
                        .setIntentId(o.intentId())
                        .setTenantId(o.tenantId() == null ? "unknown" : o.tenantId())
                        .setState(o.state() == null ? IntentState.SUBMITTED : o.state())
                        .setUpdatedAt(o.occurredAt())
                        .setSteps(new ArrayList<>())
                        .build();
        if (o.state() != null && rank(o.state()) >= rank(next.getState())) {
            next.setState(o.state());
        }
        if (o.agentId() != null) {
            next.setAgentId(o.agentId());
            next.setAction(o.action());
            next.setResource(o.resource());
        }
        if (o.tier() != null) {
            next.setTier(o.tier());
            next.setMode(o.mode());
        }
        if (o.warrantId() != null) {
            next.setWarrantId(o.warrantId());
            next.setWarrantToken(o.warrantToken());
        }
        if (o.verdict() != null) {
            next.setVerdict(o.verdict());
            next.setVerdictReasons(new ArrayList<>(o.verdictReasons()));
        }
        if (o.occurredAt().isAfter(next.getUpdatedAt())) {
            next.setUpdatedAt(o.occurredAt());
        }
        List<LifecycleStep> steps = new ArrayList<>(next.getSteps());
        steps.add(LifecycleStep.newBuilder()
                .setEventType(o.eventType())
                .setEventId(o.eventId() == null ? "" : o.eventId())
                .setOccurredAt(o.occurredAt())
                .setState(o.state() == null ? next.getState() : o.state())
                .setSummary(o.summary())
                .setAuditRecordId(auditRecordId)
                .build());
        steps.sort(Comparator.comparing(LifecycleStep::getOccurredAt));
        next.setSteps(steps);
        return next;
    }

    private Lifecycles() {}
}
