package dev.vienna.events;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Every top-level record of the contract: the types that are written to a topic or a store. */
final class EventTypes {
    static final List<Class<? extends SpecificRecord>> ALL = List.of(
            IntentSubmitted.class,
            IntentAccepted.class,
            IntentTiered.class,
            PolicyActivated.class,
            ApprovalVoteCast.class,
            ApprovalDecided.class,
            WarrantIssued.class,
            WarrantRevoked.class,
            WarrantClaimed.class,
            PassbackFeedRecord.class,
            ExecutionReported.class,
            ExecutionReportSubmitted.class,
            ExecutionVerdict.class,
            AuditRecord.class,
            AuditCheckpoint.class,
            IntentLifecycle.class,
            AgentChanged.class);

    private EventTypes() {}
}
