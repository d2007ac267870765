package dev.vienna.events;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Who may do what on the cluster: one Kafka principal per service, allowed to write only the topics its stage owns and
 * to read only what it reads. The broker enforces it with ACLs (KRaft's StandardAuthorizer, nothing allowed without an
 * ACL), so a stage trusts a record because only its owner could write it. The local broker ({@code kafka-local}'s
 * {@code LocalKafka}) and the Strimzi {@code KafkaUser}s of {@code deploy/k8s} grant exactly this table.
 *
 * @param principal the SASL user name ({@code User:<principal>}); a service's is its {@code quarkus.application.name}
 * @param writes topics it may write (WRITE, DESCRIBE)
 * @param reads topics it may read (READ, DESCRIBE)
 * @param writePrefixes name prefixes of topics it may write (WRITE, DESCRIBE on every topic the prefix begins): the
 *     agents' passback feeds, one topic per agent
 * @param group the consumer group it may join, if it consumes with one
 * @param streamsApplicationId for a Kafka Streams service, its application id: the prefix of its consumer group,
 *     transactional ids (exactly-once) and internal changelog and repartition topics, on all of which it gets what
 *     Streams needs
 */
public record KafkaAccess(
        String principal,
        List<Topic<?>> writes,
        List<Topic<?>> reads,
        List<String> writePrefixes,
        Optional<String> group,
        Optional<String> streamsApplicationId) {

    public KafkaAccess {
        writes = List.copyOf(writes);
        reads = List.copyOf(reads);
        writePrefixes = List.copyOf(writePrefixes);
    }

    public static final KafkaAccess INTAKE = new KafkaAccess(
            "intake-service",
            List.of(Topics.INTENTS, Topics.AGENTS, Topics.WARRANT_CLAIMS, Topics.EXECUTIONS, Topics.DEAD_LETTER),
            List.of(
                    Topics.AGENTS,
                    Topics.INTENT_SUBMISSIONS,
                    Topics.WARRANTS,
                    Topics.WARRANT_REVOCATIONS,
                    Topics.WARRANT_CLAIMS,
                    Topics.EXECUTION_REPORTS),
            List.of(Topics.PASSBACK_FEED_PREFIX),
            Optional.of("vienna-intake"),
            Optional.empty());

    public static final KafkaAccess POLICY = new KafkaAccess(
            "policy-service",
            List.of(Topics.TIERED, Topics.POLICY_ACTIVATIONS, Topics.DEAD_LETTER),
            List.of(Topics.INTENTS),
            List.of(),
            Optional.empty(),
            Optional.of("vienna-policy"));

    public static final KafkaAccess APPROVAL = new KafkaAccess(
            "approval-service",
            List.of(Topics.APPROVED, Topics.APPROVAL_VOTES, Topics.DEAD_LETTER),
            List.of(Topics.TIERED, Topics.APPROVAL_VOTES),
            List.of(),
            Optional.empty(),
            Optional.of("vienna-approval"));

    public static final KafkaAccess WARRANT = new KafkaAccess(
            "warrant-service",
            List.of(Topics.WARRANTS, Topics.WARRANT_REVOCATIONS, Topics.DEAD_LETTER),
            List.of(Topics.APPROVED, Topics.AGENTS, Topics.WARRANT_REVOCATIONS),
            List.of(),
            Optional.empty(),
            Optional.of("vienna-warrant"));

    public static final KafkaAccess EXECUTOR = new KafkaAccess(
            "executor-service",
            List.of(Topics.EXECUTIONS, Topics.WARRANT_CLAIMS, Topics.DEAD_LETTER),
            List.of(Topics.WARRANTS, Topics.WARRANT_REVOCATIONS, Topics.WARRANT_CLAIMS, Topics.AGENTS),
            List.of(),
            Optional.of("vienna-executor"),
            Optional.empty());

    public static final KafkaAccess AUDIT = new KafkaAccess(
            "audit-service",
            List.of(Topics.AUDIT, Topics.AUDIT_CHECKPOINTS, Topics.EXECUTION_VERDICTS),
            // what it records; its own checkpoints (served at GET /v1/audit/checkpoints by any instance) and records
            // (read back into evidence bundles)
            Stream.concat(Topics.audited().stream(), Stream.of(Topics.AUDIT_CHECKPOINTS, Topics.AUDIT))
                    .toList(),
            List.of(),
            Optional.empty(),
            Optional.of("vienna-audit"));

    /**
     * notifier-service (Kafka Streams, application id {@code vienna-notifier}): derives notifications from the audit
     * log onto its own {@code notifications} topic, and delivers them to webhooks from there in its own consumer group
     * ({@code vienna-notifier-delivery}); dead-letters what it cannot decode or deliver. It writes nothing any stage
     * reads, so it can never slow or steer the pipeline.
     */
    public static final KafkaAccess NOTIFIER = new KafkaAccess(
            "notifier-service",
            List.of(Topics.NOTIFICATIONS, Topics.DEAD_LETTER),
            List.of(Topics.AUDIT, Topics.NOTIFICATIONS),
            List.of(),
            Optional.of("vienna-notifier-delivery"),
            Optional.of("vienna-notifier"));

    /**
     * Auditors' tools ({@code ./vienna audit verify}, {@code AuditLogReader}): read the audit log and its checkpoints,
     * nothing else.
     */
    public static final KafkaAccess AUDITOR = new KafkaAccess(
            "vienna-auditor",
            List.of(),
            List.of(Topics.AUDIT, Topics.AUDIT_CHECKPOINTS),
            List.of(),
            Optional.empty(),
            Optional.empty());

    /** Every service's access and the auditors'. */
    public static List<KafkaAccess> services() {
        return List.of(INTAKE, POLICY, APPROVAL, WARRANT, EXECUTOR, AUDIT, AUDITOR, NOTIFIER);
    }

    /**
     * The principal of a registered agent: it may only submit signed intents and send signed execution reports (both
     * checked against its registered keys before anything follows from them).
     */
    public static KafkaAccess agent(String agentId) {
        return new KafkaAccess(
                agentPrincipal(agentId),
                List.of(Topics.INTENT_SUBMISSIONS, Topics.EXECUTION_REPORTS),
                List.of(),
                List.of(),
                Optional.empty(),
                Optional.empty());
    }

    /**
     * The principal of an agent that takes its PASSBACK warrants over Kafka: an {@link #agent}'s access plus its own
     * passback feed, which it reads and appends its claims to; no other agent can read or write it.
     */
    public static KafkaAccess passbackAgent(String agentId) {
        KafkaAccess agent = agent(agentId);
        var feed = Topics.passbackFeed(agentId);
        return new KafkaAccess(
                agent.principal(),
                java.util.stream.Stream.concat(agent.writes().stream(), java.util.stream.Stream.of(feed))
                        .toList(),
                List.of(feed),
                List.of(),
                Optional.empty(),
                Optional.empty());
    }

    /** The SASL user name of an agent's Kafka principal. */
    public static String agentPrincipal(String agentId) {
        return "agent-" + agentId;
    }
}
