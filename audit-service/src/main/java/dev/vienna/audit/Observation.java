package dev.vienna.audit;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.IntentState;
import dev.vienna.events.Tier;
import dev.vienna.events.VerdictOutcome;
import java.time.Instant;
import java.util.List;

/**
 * What one consumed record tells the audit: which intent (if any), what happened, when, a one-line summary, and the
 * lifecycle facts it establishes (null where it establishes none; a verdict's reasons are empty without a verdict).
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
        String resource,
        VerdictOutcome verdict,
        List<String> verdictReasons) {

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
                null,
                null,
                List.of());
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
                resource,
                verdict,
                verdictReasons);
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
                resource,
                verdict,
                verdictReasons);
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
                resource,
                verdict,
                verdictReasons);
    }

    Observation withVerdict(VerdictOutcome verdict, List<String> verdictReasons) {
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
                resource,
                verdict,
                List.copyOf(verdictReasons));
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
                resource,
                verdict,
                verdictReasons);
    }
}
