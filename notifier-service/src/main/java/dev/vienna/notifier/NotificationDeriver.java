package dev.vienna.notifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.events.AgentChange;
import dev.vienna.events.AgentChanged;
import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.ExecutionVerdict;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import dev.vienna.events.VerdictOutcome;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns audit records into notifications for people: an intent that now waits for operators ({@code approval.pending}),
 * their decision or its expiry ({@code approval.decided}; not the automatic decisions of intents that need no
 * operator), a verdict VIOLATION ({@code execution.violation}) and a suspended agent ({@code agent.suspended}). Each
 * held intent is remembered in {@value #PENDING_STORE} until it is decided; a wall-clock punctuator sends
 * {@code approval.expiring} once, a lead time before its deadline, unless it was decided first. Each notification is
 * keyed by its webhook id, derived from its audit record and kind.
 */
final class NotificationDeriver implements Processor<String, AuditRecord, String, byte[]> {

    static final String PENDING_STORE = "pending-approvals";

    private final NotificationSettings settings;
    private final Deserializer<IntentTiered> tieredEvents =
            Topics.TIERED.valueSerde().deserializer();
    private final Deserializer<ApprovalDecided> decisions =
            Topics.APPROVED.valueSerde().deserializer();
    private final Deserializer<ExecutionVerdict> verdicts =
            Topics.EXECUTION_VERDICTS.valueSerde().deserializer();
    private final Deserializer<AgentChanged> agentChanges =
            Topics.AGENTS.valueSerde().deserializer();
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, String> pending;

    NotificationDeriver(NotificationSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.pending = context.getStateStore(PENDING_STORE);
        context.schedule(settings.scanInterval(), PunctuationType.WALL_CLOCK_TIME, this::scan);
    }

    @Override
    public void process(Record<String, AuditRecord> record) {
        AuditRecord audit = record.value();
        long now = context.currentSystemTimeMs();
        boolean news = audit.getRecordedAt().toEpochMilli()
                >= now - settings.maxEventAge().toMillis();
        switch (audit.getEventType()) {
            case "IntentTiered" -> tiered(record, decode(tieredEvents, Topics.TIERED, audit), news);
            case "ApprovalDecided" -> decided(record, decode(decisions, Topics.APPROVED, audit), news, now);
            case "ExecutionVerdict" -> {
                ExecutionVerdict verdict = decode(verdicts, Topics.EXECUTION_VERDICTS, audit);
                if (news && verdict.getVerdict() == VerdictOutcome.VIOLATION) {
                    emit(
                            record,
                            NotificationKind.EXECUTION_VIOLATION,
                            verdict.getOccurredAt(),
                            NotificationData.violation(verdict));
                }
            }
            case "AgentChanged" -> {
                AgentChanged change = decode(agentChanges, Topics.AGENTS, audit);
                if (news && change.getChange() == AgentChange.SUSPENDED) {
                    emit(
                            record,
                            NotificationKind.AGENT_SUSPENDED,
                            change.getOccurredAt(),
                            NotificationData.suspended(change));
                }
            }
            default -> {
                // nothing a person needs to hear about
            }
        }
    }

    private void tiered(Record<String, AuditRecord> record, IntentTiered tiered, boolean news) {
        if (tiered.getDecision() != PolicyDecision.ALLOW || tiered.getRequiredApprovals() <= 0) {
            return;
        }
        if (pending.get(tiered.getIntentId()) != null) {
            return; // a re-published policy decision: approval-service keeps holding the first, so do we
        }
        Duration ttl = settings.ttlOf(tiered);
        Instant deadline = settings.deadlineOf(tiered);
        ObjectNode data = NotificationData.pending(tiered, deadline);
        AuditRecord audit = record.value();
        long forgetAt = deadline.plus(settings.maxEventAge()).toEpochMilli();
        pending.put(
                tiered.getIntentId(),
                new PendingApproval(
                                audit.getRecordId(),
                                audit.getHash(),
                                data,
                                deadline.toEpochMilli(),
                                settings.leadFor(ttl).toMillis(),
                                false,
                                false,
                                forgetAt)
                        .toJson());
        if (news) {
            emit(record, NotificationKind.APPROVAL_PENDING, tiered.getOccurredAt(), data);
        }
    }

    private void decided(Record<String, AuditRecord> record, ApprovalDecided decided, boolean news, long now) {
        String held = pending.get(decided.getIntentId());
        if (held != null) {
            // decided: no approval.expiring for it any more; kept a while so a re-published decision is not news
            pending.put(
                    decided.getIntentId(),
                    PendingApproval.fromJson(held)
                            .decidedUntil(now + settings.maxEventAge().toMillis())
                            .toJson());
        }
        boolean byOperators = !decided.getAutomatic() || decided.getOutcome() == ApprovalOutcome.EXPIRED;
        if (news && byOperators) {
            emit(record, NotificationKind.APPROVAL_DECIDED, decided.getOccurredAt(), NotificationData.decided(decided));
        }
    }

    /** The punctuator: {@code approval.expiring} for held intents whose deadline is near; forgets what is done. */
    private void scan(long now) {
        List<KeyValue<String, PendingApproval>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> all = pending.all()) {
            while (all.hasNext()) {
                KeyValue<String, String> entry = all.next();
                due.add(KeyValue.pair(entry.key, PendingApproval.fromJson(entry.value)));
            }
        }
        for (KeyValue<String, PendingApproval> entry : due) {
            PendingApproval held = entry.value;
            if (now >= held.forgetAtMs()) {
                pending.delete(entry.key);
            } else if (!held.decided() && !held.expiringSent() && now >= held.deadlineMs() - held.leadMs()) {
                if (now < held.deadlineMs()) {
                    Instant at = Instant.ofEpochMilli(now);
                    ObjectNode data =
                            NotificationData.expiring(held.data(), at, Instant.ofEpochMilli(held.deadlineMs()));
                    Notification notification = new Notification(
                            Notification.idOf(held.recordId(), held.recordHash(), NotificationKind.APPROVAL_EXPIRING),
                            NotificationKind.APPROVAL_EXPIRING,
                            at,
                            data);
                    context.forward(new Record<>(notification.id(), notification.body(), now));
                }
                // past its deadline already (the notifier was down): too late to warn, and never later
                pending.put(entry.key, held.withExpiringSent().toJson());
            }
        }
    }

    private void emit(Record<String, AuditRecord> record, NotificationKind kind, Instant at, ObjectNode data) {
        AuditRecord audit = record.value();
        Notification notification =
                new Notification(Notification.idOf(audit.getRecordId(), audit.getHash(), kind), kind, at, data);
        context.forward(record.withKey(notification.id()).withValue(notification.body()));
    }

    /**
     * The audited record's value, decoded as its source topic's event. One that does not decode fails the record, which
     * the platform's processing handler dead-letters with the reason.
     */
    private static <V> V decode(Deserializer<V> deserializer, Topic<V> topic, AuditRecord audit) {
        ByteBuffer payload = audit.getPayload();
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        try {
            return deserializer.deserialize(topic.name(), bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "audit record " + audit.getRecordId() + " (" + audit.getEventType()
                            + ") has a payload that is not an "
                            + topic.valueType().getSimpleName() + ": " + e.getMessage(),
                    e);
        }
    }
}
