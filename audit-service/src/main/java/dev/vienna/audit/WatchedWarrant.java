package dev.vienna.audit;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.WarrantIssued;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link ExecutionVerifier} remembers of one warrant: its terms once its {@code WarrantIssued} was seen (null
 * while only a claim or a report of it is known), the event ids of the reports judged so far (first one first), how
 * many verdicts were published on it, and the first claim seen.
 */
record WatchedWarrant(
        String warrantId, Terms terms, List<String> reports, int verdicts, String claimedBy, Instant claimedAt) {

    WatchedWarrant {
        reports = List.copyOf(reports);
    }

    /** What the checks need of a warrant. */
    record Terms(
            String intentId,
            String tenantId,
            String agentId,
            ExecutionMode mode,
            String actionDigest,
            Instant issuedAt,
            Instant expiresAt,
            String confirmationKeyThumbprint) {

        static Terms of(WarrantIssued w) {
            return new Terms(
                    w.getIntentId(),
                    w.getTenantId(),
                    w.getAgentId(),
                    w.getMode(),
                    w.getActionDigest(),
                    w.getIssuedAt(),
                    w.getExpiresAt(),
                    w.getConfirmationKeyThumbprint());
        }
    }

    static WatchedWarrant unknown(String warrantId) {
        return new WatchedWarrant(warrantId, null, List.of(), 0, null, null);
    }

    /** The event id of the first report judged, or null. */
    String firstReport() {
        return reports.isEmpty() ? null : reports.get(0);
    }

    WatchedWarrant withTerms(Terms terms) {
        return new WatchedWarrant(warrantId, terms, reports, verdicts, claimedBy, claimedAt);
    }

    /** The same with its first claim; a later claim changes nothing. */
    WatchedWarrant withClaim(String executorId, Instant at) {
        return claimedBy != null ? this : new WatchedWarrant(warrantId, terms, reports, verdicts, executorId, at);
    }

    /** After a verdict on the report {@code eventId}. */
    WatchedWarrant judged(String eventId) {
        List<String> next = new ArrayList<>(reports);
        next.add(eventId);
        return new WatchedWarrant(warrantId, terms, next, verdicts + 1, claimedBy, claimedAt);
    }

    /** After the UNREPORTED verdict. */
    WatchedWarrant unreported() {
        return new WatchedWarrant(warrantId, terms, reports, verdicts + 1, claimedBy, claimedAt);
    }
}
