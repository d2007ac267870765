package dev.vienna.events;

import java.util.List;
import java.util.Map;

/**
 * Every topic of the pipeline, all created with one partition count. The intent-scoped topics (from
 * {@code intent-submissions} to {@code executions}, and {@code warrant-claims}) are keyed by intentId, so every event
 * of one intent lands on the same partition number in every stage (co-partitioning for joins and for per-partition
 * audit chains). Four are keyed otherwise, each said below: {@code policy-activations} (by policy-service instance),
 * {@code warrant-revocations} (by what is revoked), {@code agents} (by agentId) and {@code audit} (by record id);
 * {@code dead-letter} keeps the original record's key. No other file spells a topic name.
 */
public final class Topics {

    private static final long WEEK_MS = 7L * 24 * 60 * 60 * 1000;

    /** Pipeline events: deleted after retention (the audit log keeps what must be kept). */
    private static final Map<String, String> EVENTS =
            Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(WEEK_MS));

    /**
     * Signed intents agents submit over Kafka, keyed by intentId: intake-service verifies each agent's signature and
     * publishes it to {@code intents} or dead-letters it; the audit log records what arrives.
     */
    public static final Topic<IntentSubmitted> INTENT_SUBMISSIONS =
            new Topic<>("intent-submissions", IntentSubmitted.class, EVENTS);

    /** Authenticated, validated intents (intake-service -> policy-service). */
    public static final Topic<IntentAccepted> INTENTS = new Topic<>("intents", IntentAccepted.class, EVENTS);

    /** Policy decisions (policy-service -> approval-service). */
    public static final Topic<IntentTiered> TIERED = new Topic<>("tiered", IntentTiered.class, EVENTS);

    /**
     * Policy sets activated (or refused) by policy-service instances, keyed by instance: the audit trail of which rules
     * were in force when.
     */
    public static final Topic<PolicyActivated> POLICY_ACTIVATIONS =
            new Topic<>("policy-activations", PolicyActivated.class, EVENTS);

    /** Operators' votes (approval REST API -> approval topology). */
    public static final Topic<ApprovalVoteCast> APPROVAL_VOTES =
            new Topic<>("approval-votes", ApprovalVoteCast.class, EVENTS);

    /** Approval outcomes (approval-service -> warrant-service). */
    public static final Topic<ApprovalDecided> APPROVED = new Topic<>("approved", ApprovalDecided.class, EVENTS);

    /** Signed warrants (warrant-service -> executor-service and passback agents). */
    public static final Topic<WarrantIssued> WARRANTS = new Topic<>("warrants", WarrantIssued.class, EVENTS);

    /**
     * Warrant revocations (warrant-service REST -> every verifier). Compacted and keyed by what is revoked
     * ({@code warrant:<id>} or {@code agent:<id>}), not by intentId: verifiers read it whole.
     */
    public static final Topic<WarrantRevoked> WARRANT_REVOCATIONS = new Topic<>(
            "warrant-revocations", WarrantRevoked.class, Map.of("cleanup.policy", "compact", "retention.ms", "-1"));

    /**
     * Warrant ids executors have claimed (executor-service -> itself after a restart): compacted and, like the pipeline
     * topics, keyed by intentId (one warrant per intent), so a warrant runs at most once and its claim meets the
     * intent's other events on the same partition.
     */
    public static final Topic<WarrantClaimed> WARRANT_CLAIMS = new Topic<>(
            "warrant-claims", WarrantClaimed.class, Map.of("cleanup.policy", "compact", "retention.ms", "-1"));

    /**
     * The agent registry (intake-service's registry API -> intake, warrant- and executor-service): compacted and keyed
     * by agentId, so the newest {@link AgentChanged} of an agent is the agent as it is now. Every follower reads it
     * whole.
     */
    public static final Topic<AgentChanged> AGENTS =
            new Topic<>("agents", AgentChanged.class, Map.of("cleanup.policy", "compact", "retention.ms", "-1"));

    /**
     * Execution results (executor-service; passback agents' signed reports through intake-service -> audit-service).
     */
    public static final Topic<ExecutionReported> EXECUTIONS =
            new Topic<>("executions", ExecutionReported.class, EVENTS);

    /**
     * Passback agents' signed execution reports sent over Kafka (agents -> intake-service, which checks each and
     * publishes it to {@code executions} or dead-letters it), keyed by intentId. Agents write it, so a record is capped
     * at {@value #MAX_REPORT_BYTES} bytes by the broker. Not in the audit log as sent: what intake made of it is.
     */
    public static final Topic<ExecutionReportSubmitted> EXECUTION_REPORTS = new Topic<>(
            "execution-reports",
            ExecutionReportSubmitted.class,
            Map.of(
                    "cleanup.policy",
                    "delete",
                    "retention.ms",
                    String.valueOf(WEEK_MS),
                    "max.message.bytes",
                    String.valueOf(Topics.MAX_REPORT_BYTES)));

    /** The largest record an agent may write to {@code execution-reports}. */
    public static final int MAX_REPORT_BYTES = 256 * 1024;

    /** The name prefix of the agents' passback feeds ({@link #passbackFeed}). */
    public static final String PASSBACK_FEED_PREFIX = "passback.";

    /**
     * An agent's passback feed, {@code passback.<agentId>}: its PASSBACK warrants and their revocations (intake-service
     * forwards them) and its instances' claims ({@link PassbackFeedRecord}). Only that agent's principal reads it, so
     * no agent sees another's warrants; it exists only for agents that take their warrants over Kafka (an agent without
     * one long-polls intake over HTTP). Not in {@link #all()}: created when such an agent is granted its access.
     */
    public static Topic<PassbackFeedRecord> passbackFeed(String agentId) {
        if (!canHavePassbackFeed(agentId)) {
            throw new IllegalArgumentException("agent id " + agentId + " cannot name a topic: a passback feed needs an"
                    + " agent id of letters, digits, '.', '_' and '-' only");
        }
        return new Topic<>(PASSBACK_FEED_PREFIX + agentId, PassbackFeedRecord.class, EVENTS);
    }

    /** Whether {@code agentId} can name a passback feed (topic names allow only letters, digits, '.', '_', '-'). */
    public static boolean canHavePassbackFeed(String agentId) {
        return agentId != null && agentId.matches("[A-Za-z0-9._-]{1,128}");
    }

    /**
     * Post-execution verdicts (audit-service -> itself, which chains them like every other event): one per warrant,
     * VERIFIED, VIOLATION or UNREPORTED, keyed by intentId.
     */
    public static final Topic<ExecutionVerdict> EXECUTION_VERDICTS =
            new Topic<>("execution-verdicts", ExecutionVerdict.class, EVENTS);

    /**
     * The hash-chained audit log. Compacted and keyed by a unique record id, so compaction only collapses an identical
     * re-publication; no time-based deletion.
     */
    public static final Topic<AuditRecord> AUDIT = new Topic<>(
            "audit",
            AuditRecord.class,
            Map.of("cleanup.policy", "compact", "retention.ms", "-1", "min.compaction.lag.ms", "3600000"));

    /**
     * Signed checkpoints of the audit chains (audit-service -> auditors and evidence bundles), keyed by chain number:
     * compacted, so the newest checkpoint of each chain is always kept; older ones stay until compaction, for
     * consistency checks between successive checkpoints.
     */
    public static final Topic<AuditCheckpoint> AUDIT_CHECKPOINTS = new Topic<>(
            "audit-checkpoints",
            AuditCheckpoint.class,
            Map.of("cleanup.policy", "compact", "retention.ms", "-1", "min.compaction.lag.ms", "3600000"));

    /**
     * Records no stage could decode or process: the original key and value byte for byte, with the reason and origin in
     * headers ({@link DeadLetterHeaders}). Kept a month.
     */
    public static final Topic<byte[]> DEAD_LETTER = new Topic<>(
            "dead-letter",
            byte[].class,
            Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(30L * 24 * 60 * 60 * 1000)));

    /**
     * Notifications for people (notifier-service -> its own delivery loop, which posts them to the operators'
     * webhooks): derived from the audit log, keyed by the notification's webhook id (stable per audit record and kind,
     * so every attempt and re-derivation carries the same id). The value is the Standard Webhooks JSON body
     * ({@code {"type", "timestamp", "data"}}), not Avro: it is the outgoing message itself, in a public format of its
     * own, and no stage reads it but the notifier. Kept a week, longer than any delivery is retried.
     */
    public static final Topic<byte[]> NOTIFICATIONS = new Topic<>("notifications", byte[].class, EVENTS);

    /** Every topic, for the broker set-up and for audit-service, which reads them all. */
    public static List<Topic<?>> all() {
        return List.of(
                INTENT_SUBMISSIONS,
                INTENTS,
                TIERED,
                POLICY_ACTIVATIONS,
                APPROVAL_VOTES,
                APPROVED,
                WARRANTS,
                WARRANT_REVOCATIONS,
                WARRANT_CLAIMS,
                AGENTS,
                EXECUTIONS,
                EXECUTION_REPORTS,
                EXECUTION_VERDICTS,
                AUDIT,
                AUDIT_CHECKPOINTS,
                NOTIFICATIONS,
                DEAD_LETTER);
    }

    /**
     * The topics audit-service records: all but the audit log itself, its checkpoints, {@code execution-reports}, whose
     * every record is audited as what intake made of it (an execution or a dead letter), and {@code notifications},
     * which is derived from the audit log (recording it would only repeat the log).
     */
    public static List<Topic<?>> audited() {
        return all().stream()
                .filter(t -> !t.equals(AUDIT)
                        && !t.equals(AUDIT_CHECKPOINTS)
                        && !t.equals(EXECUTION_REPORTS)
                        && !t.equals(NOTIFICATIONS))
                .toList();
    }

    private Topics() {}
}
