package dev.vienna.audit;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.IntentState;
import dev.vienna.events.Tier;
import java.time.Instant;

/**
 * What one consumed record tells the audit: which intent (if any), what happened, when, a one-line summary, and the
 * lifecycle facts it establishes (null where it establishes none).
 */
record Observation(
        String intentId,
        String tenantId,
        String eventId,
        String eventType,
        Instant occurredAt,
        String summary,
        IntentState state,
        Tier tier,
        ExecutionMode mode,
        String warrantId,
        String warrantToken,
        String agentId,
        String action,
        String resource) {

    static Observation of(
            String intentId,
            String tenantId,
            String eventId,
            String eventType,
            Instant occurredAt,
            String summary,
            IntentState state) {
        return new Observation(
                intentId,
                tenantId,
                eventId,
                eventType,
                occurredAt,
                summary,
                state,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    Observation withTierAndMode(Tier tier, ExecutionMode mode) {
        return new Observation(
                intentId,
                tenantId,
                eventId,
                eventType,
                occurredAt,
                summary,
                state,
                tier,
                mode,
                warrantId,
                warrantToken,
                agentId,
                action,
                resource);
    }

    Observation withWarrant(String warrantId, String warrantToken) {
        return new Observation(
                intentId,
                tenantId,
                eventId,
                eventType,
                occurredAt,
                summary,
                state,
                tier,
                mode,
                warrantId,
                warrantToken,
                agentId,
                action,
                resource);
    }

    Observation withSubject(String agentId, String action, String resource) {
        return new Observation(
                intentId,
                tenantId,
                eventId,
                eventType,
                occurredAt,
                summary,
                state,
                tier,
                mode,
                warrantId,
                warrantToken,
                agentId,
                action,
                resource);
    }

    Observation withSummary(String summary) {
        return new Observation(
                intentId,
                tenantId,
                eventId,
                eventType,
                occurredAt,
                summary,
                state,
                tier,
                mode,
                warrantId,
                warrantToken,
                agentId,
                action,
                resource);
    }
}
