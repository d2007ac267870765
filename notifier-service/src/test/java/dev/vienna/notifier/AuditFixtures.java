package dev.vienna.notifier;

import dev.vienna.events.AgentChange;
import dev.vienna.events.AgentChanged;
import dev.vienna.events.AgentStatus;
import dev.vienna.events.Approval;
import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.ExecutionVerdict;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.Tier;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import dev.vienna.events.VerdictOutcome;
import dev.vienna.testing.TestEvents;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Audit records as audit-service writes them, around the contract's events: the notifier's input in every test. */
final class AuditFixtures {

    private final AtomicLong sequence = new AtomicLong();

    /** The audit record of {@code event} (read from {@code topic}), recorded at {@code recordedAt}. */
    <V> AuditRecord audit(Topic<V> topic, String eventType, String intentId, V event, Instant recordedAt) {
        long seq = sequence.incrementAndGet();
        byte[] payload = topic.valueSerde().serializer().serialize(topic.name(), event);
        return AuditRecord.newBuilder()
                .setRecordId("0-" + String.format("%012d", seq))
                .setChain(0)
                .setSequence(seq)
                .setIntentId(intentId)
                .setTenantId("acme")
                .setEventId("evt-" + seq)
                .setEventType(eventType)
                .setSourceTopic(topic.name())
                .setSourcePartition(0)
                .setSourceOffset(seq)
                .setOccurredAt(recordedAt)
                .setRecordedAt(recordedAt)
                .setPayload(ByteBuffer.wrap(payload))
                .setSummary(eventType)
                .setPreviousHash("prev-" + seq)
                .setHash("hash-" + seq)
                .build();
    }

    /** A held T2/T3 intent's policy decision (ALLOW with approvals), decided at {@code at}. */
    AuditRecord held(String intentId, Tier tier, Instant at, String approvalTtl) {
        IntentTiered tiered = TestEvents.tiered(intentId, "deploy_production", tier);
        tiered.setOccurredAt(at);
        tiered.setApprovalTtl(approvalTtl);
        tiered.getIntent().setOwner("carol");
        return audit(Topics.TIERED, "IntentTiered", intentId, tiered, at);
    }

    /** A T0 intent's policy decision: nothing to approve. */
    AuditRecord automatic(String intentId, Instant at) {
        IntentTiered tiered = TestEvents.tiered(intentId, "noop", Tier.T0);
        tiered.setOccurredAt(at);
        return audit(Topics.TIERED, "IntentTiered", intentId, tiered, at);
    }

    AuditRecord decided(String intentId, Tier tier, ApprovalOutcome outcome, boolean automatic, Instant at) {
        ApprovalDecided decided = TestEvents.approved(intentId, "deploy_production", tier, ExecutionMode.PASSBACK);
        decided.setOutcome(outcome);
        decided.setAutomatic(automatic);
        decided.setOccurredAt(at);
        decided.setReason(
                outcome == ApprovalOutcome.APPROVED
                        ? "quorum of 2 distinct approver(s) reached: alice, bob"
                        : outcome + " by test");
        if (outcome == ApprovalOutcome.APPROVED) {
            decided.setApprovals(List.of(new Approval("alice", "ok", at), new Approval("bob", null, at)));
        }
        return audit(Topics.APPROVED, "ApprovalDecided", intentId, decided, at);
    }

    AuditRecord verdict(String intentId, VerdictOutcome outcome, Instant at) {
        ExecutionVerdict verdict = ExecutionVerdict.newBuilder()
                .setEventId("verdict-" + intentId)
                .setIntentId(intentId)
                .setTenantId("acme")
                .setOccurredAt(at)
                .setWarrantId("w-" + intentId)
                .setVerdict(outcome)
                .setReasons(
                        outcome == VerdictOutcome.VIOLATION
                                ? List.of("executed action digest differs from the warrant's")
                                : List.of())
                .setMode(ExecutionMode.DIRECT)
                .setExecutionEventId("x-" + intentId)
                .setStatus(ExecutionStatus.SUCCEEDED)
                .setReporter("executor-service")
                .build();
        return audit(Topics.EXECUTION_VERDICTS, "ExecutionVerdict", intentId, verdict, at);
    }

    AuditRecord agentChanged(String agentId, AgentChange change, Instant at) {
        AgentChanged changed = AgentChanged.newBuilder()
                .setEventId("agent-" + agentId + "-" + change)
                .setTenantId("acme")
                .setOccurredAt(at)
                .setAgentId(agentId)
                .setChange(change)
                .setStatus(change == AgentChange.SUSPENDED ? AgentStatus.SUSPENDED : AgentStatus.ACTIVE)
                .setOwners(List.of("carol"))
                .setChangedBy("sam")
                .setReason(change == AgentChange.SUSPENDED ? "runaway deploys" : null)
                .setSuspendedAt(change == AgentChange.SUSPENDED ? at : null)
                .build();
        return audit(Topics.AGENTS, "AgentChanged", null, changed, at);
    }
}
