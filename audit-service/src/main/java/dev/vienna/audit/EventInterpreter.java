package dev.vienna.audit;

import dev.vienna.events.AgentChanged;
import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.ApprovalVoteCast;
import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.ExecutionVerdict;
import dev.vienna.events.Intent;
import dev.vienna.events.IntentAccepted;
import dev.vienna.events.IntentState;
import dev.vienna.events.IntentSubmitted;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.PolicyActivated;
import dev.vienna.events.PolicyActivationOutcome;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.RevocationScope;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import dev.vienna.events.VerdictOutcome;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.events.WarrantIssued;
import dev.vienna.events.WarrantRevoked;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;

/**
 * Reads any pipeline record into an {@link Observation}. A record that does not decode is not dropped: it becomes an
 * "Undecodable" observation, so the audit log shows bad input too.
 */
final class EventInterpreter {

    private final Map<String, Function<byte[], Observation>> byTopic = Map.ofEntries(
            Map.entry(
                    Topics.INTENT_SUBMISSIONS.name(), decoding(Topics.INTENT_SUBMISSIONS, EventInterpreter::submitted)),
            Map.entry(Topics.INTENTS.name(), decoding(Topics.INTENTS, EventInterpreter::accepted)),
            Map.entry(Topics.TIERED.name(), decoding(Topics.TIERED, EventInterpreter::tiered)),
            Map.entry(
                    Topics.POLICY_ACTIVATIONS.name(),
                    decoding(Topics.POLICY_ACTIVATIONS, EventInterpreter::policyActivation)),
            Map.entry(Topics.APPROVAL_VOTES.name(), decoding(Topics.APPROVAL_VOTES, EventInterpreter::vote)),
            Map.entry(Topics.APPROVED.name(), decoding(Topics.APPROVED, EventInterpreter::decided)),
            Map.entry(Topics.WARRANTS.name(), decoding(Topics.WARRANTS, EventInterpreter::warrant)),
            Map.entry(
                    Topics.WARRANT_REVOCATIONS.name(),
                    decoding(Topics.WARRANT_REVOCATIONS, EventInterpreter::revocation)),
            Map.entry(Topics.WARRANT_CLAIMS.name(), decoding(Topics.WARRANT_CLAIMS, EventInterpreter::claim)),
            Map.entry(Topics.EXECUTIONS.name(), decoding(Topics.EXECUTIONS, EventInterpreter::execution)),
            Map.entry(Topics.EXECUTION_VERDICTS.name(), decoding(Topics.EXECUTION_VERDICTS, EventInterpreter::verdict)),
            Map.entry(Topics.AGENTS.name(), decoding(Topics.AGENTS, EventInterpreter::agentChanged)));

    Observation interpret(String topic, byte[] value, Headers headers, Instant recordTime) {
        if (topic.equals(Topics.DEAD_LETTER.name())) {
            return deadLetter(headers, recordTime);
        }
        var reading = byTopic.get(topic);
        if (reading == null) {
            return Observation.of(
                    null,
                    null,
                    null,
                    "Unrecognized",
                    recordTime,
                    "record on " + topic + ", a topic this audit version does not know",
                    null);
        }
        try {
            return reading.apply(value);
        } catch (RuntimeException e) {
            return Observation.of(
                    null,
                    null,
                    null,
                    "Undecodable",
                    recordTime,
                    "undecodable record on " + topic + ": " + e.getMessage(),
                    null);
        }
    }

    private static <V> Function<byte[], Observation> decoding(Topic<V> topic, Function<V, Observation> reading) {
        var deserializer = topic.valueSerde().deserializer();
        return bytes -> reading.apply(deserializer.deserialize(topic.name(), bytes));
    }

    private static Observation submitted(IntentSubmitted e) {
        return Observation.of(
                e.getIntentId(),
                e.getTenantId(),
                e.getEventId(),
                "IntentSubmitted",
                e.getOccurredAt(),
                "submitted over Kafka: " + describe(e.getIntent()) + " (key " + e.getKeyId() + ")",
                null);
    }

    private static Observation accepted(IntentAccepted e) {
        Intent intent = e.getIntent();
        return Observation.of(
                        e.getIntentId(),
                        e.getTenantId(),
                        e.getEventId(),
                        "IntentAccepted",
                        e.getOccurredAt(),
                        "accepted over " + e.getChannel() + ": " + describe(intent),
                        IntentState.SUBMITTED)
                .withSubject(intent.getAgentId(), intent.getAction(), intent.getResource());
    }

    private static Observation tiered(IntentTiered e) {
        IntentState state = e.getDecision() == PolicyDecision.DENY
                ? IntentState.DENIED
                : e.getRequiredApprovals() > 0 ? IntentState.PENDING_APPROVAL : IntentState.TIERED;
        String summary = e.getDecision() + ", tier " + e.getTier() + ", " + e.getMode() + ", "
                + e.getRequiredApprovals() + " approval(s) required, policy " + e.getPolicyVersion() + ": "
                + String.join("; ", e.getReasons());
        return Observation.of(
                        e.getIntentId(),
                        e.getTenantId(),
                        e.getEventId(),
                        "IntentTiered",
                        e.getOccurredAt(),
                        summary,
                        state)
                .withTierAndMode(e.getTier(), e.getMode())
                .withSubject(
                        e.getIntent().getAgentId(),
                        e.getIntent().getAction(),
                        e.getIntent().getResource());
    }

    private static Observation policyActivation(PolicyActivated e) {
        String summary = e.getOutcome() == PolicyActivationOutcome.ACTIVATED
                ? "policy " + e.getPolicyVersion() + " activated on " + e.getInstance() + " ("
                        + e.getRules().size() + " rules from " + e.getFiles().size() + " files in " + e.getDirectory()
                        + ", previously " + e.getPreviousVersion() + ")"
                : "policy " + e.getPolicyVersion() + " refused on " + e.getInstance() + ", " + e.getPreviousVersion()
                        + " stays active: " + String.join("; ", e.getErrors());
        return Observation.of(null, null, e.getEventId(), "PolicyActivated", e.getOccurredAt(), summary, null);
    }

    private static Observation vote(ApprovalVoteCast e) {
        return Observation.of(
                e.getIntentId(),
                e.getTenantId(),
                e.getEventId(),
                "ApprovalVoteCast",
                e.getOccurredAt(),
                e.getDecision() + " by " + e.getOperatorId() + (e.getReason() == null ? "" : ": " + e.getReason()),
                null);
    }

    private static Observation decided(ApprovalDecided e) {
        IntentState state = switch (e.getOutcome()) {
            case APPROVED -> IntentState.APPROVED;
            case DENIED -> IntentState.DENIED;
            case EXPIRED -> IntentState.EXPIRED;
        };
        // operators' decisions and expiries say why (quorum reached by whom, denied by whom and why, expired when)
        String summary = e.getAutomatic() && e.getOutcome() != ApprovalOutcome.EXPIRED
                ? e.getOutcome() + " automatically"
                : e.getReason() != null
                        ? e.getOutcome() + ": " + e.getReason()
                        : e.getOutcome() + " by "
                                + String.join(
                                        ", ",
                                        e.getApprovals().stream()
                                                .map(a -> a.getOperatorId())
                                                .toList());
        return Observation.of(
                e.getIntentId(), e.getTenantId(), e.getEventId(), "ApprovalDecided", e.getOccurredAt(), summary, state);
    }

    private static Observation warrant(WarrantIssued e) {
        return Observation.of(
                        e.getIntentId(),
                        e.getTenantId(),
                        e.getEventId(),
                        "WarrantIssued",
                        e.getOccurredAt(),
                        "warrant " + e.getWarrantId() + " for " + e.getAudience() + ", " + e.getAlgorithm() + " key "
                                + e.getKeyId() + ", valid " + e.getIssuedAt() + " to " + e.getExpiresAt(),
                        IntentState.WARRANTED)
                .withWarrant(e.getWarrantId(), e.getToken());
    }

    private static Observation revocation(WarrantRevoked e) {
        String what = e.getScope() == RevocationScope.WARRANT
                ? "warrant " + e.getWarrantId() + " revoked"
                : "kill switch: every warrant of agent " + e.getAgentId() + " issued up to " + e.getRevokedBefore()
                        + " revoked";
        return Observation.of(
                e.getIntentId().isEmpty() ? null : e.getIntentId(),
                e.getTenantId(),
                e.getEventId(),
                "WarrantRevoked",
                e.getOccurredAt(),
                what + " by " + e.getRevokedBy() + ": " + e.getReason(),
                null);
    }

    /** A registry change: who changed which agent how, and why; no intent's state changes with it. */
    private static Observation agentChanged(AgentChanged e) {
        return Observation.of(
                null,
                e.getTenantId(),
                e.getEventId(),
                "AgentChanged",
                e.getOccurredAt(),
                "agent " + e.getAgentId() + " " + e.getChange() + " by " + e.getChangedBy() + " (now " + e.getStatus()
                        + ", acts for " + e.getOwners() + ")" + (e.getReason() == null ? "" : ": " + e.getReason()),
                null);
    }

    private static Observation claim(WarrantClaimed e) {
        return Observation.of(
                e.getIntentId(),
                e.getTenantId(),
                e.getEventId(),
                "WarrantClaimed",
                e.getOccurredAt(),
                "warrant " + e.getWarrantId() + " claimed for execution by " + e.getExecutorId(),
                null);
    }

    private static Observation execution(ExecutionReported e) {
        IntentState state = switch (e.getStatus()) {
            case SUCCEEDED -> IntentState.EXECUTED;
            case FAILED -> IntentState.FAILED;
            case REJECTED -> IntentState.REJECTED;
        };
        String summary = e.getStatus() + " by " + e.getExecutorId() + " (" + e.getMode() + ", handler " + e.getHandler()
                + ")" + (e.getStatus() == ExecutionStatus.SUCCEEDED ? "" : ": " + e.getError());
        return Observation.of(
                e.getIntentId(),
                e.getTenantId(),
                e.getEventId(),
                "ExecutionReported",
                e.getOccurredAt(),
                summary,
                state);
    }

    /** A post-execution verdict: who reported, or why not verified; the lifecycle records it, its state stays. */
    private static Observation verdict(ExecutionVerdict e) {
        String summary = e.getVerdict() == VerdictOutcome.VERIFIED
                ? "execution VERIFIED (" + e.getMode() + " report by " + e.getReporter() + ")"
                : "execution " + e.getVerdict() + ": " + String.join("; ", e.getReasons());
        return Observation.of(
                        e.getIntentId(),
                        e.getTenantId(),
                        e.getEventId(),
                        "ExecutionVerdict",
                        e.getOccurredAt(),
                        summary,
                        null)
                .withVerdict(e.getVerdict(), e.getReasons());
    }

    private static Observation deadLetter(Headers headers, Instant recordTime) {
        String summary = "dead-lettered by " + DeadLetterHeaders.read(headers, DeadLetterHeaders.SERVICE)
                + " from " + DeadLetterHeaders.read(headers, DeadLetterHeaders.SOURCE_TOPIC)
                + "@" + DeadLetterHeaders.read(headers, DeadLetterHeaders.SOURCE_PARTITION)
                + "/" + DeadLetterHeaders.read(headers, DeadLetterHeaders.SOURCE_OFFSET)
                + ": " + DeadLetterHeaders.read(headers, DeadLetterHeaders.REASON);
        return Observation.of(null, null, null, "DeadLettered", recordTime, summary, null);
    }

    private static String describe(Intent intent) {
        return intent.getAgentId() + " asks " + intent.getAction() + " on " + intent.getResource();
    }
}
