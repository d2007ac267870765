package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Audit records for the chain tests. */
final class AuditFixtures {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    /** A well-formed chain of n records on one chain number. */
    static List<AuditRecord> chain(int chainNumber, int n) {
        List<AuditRecord> records = new ArrayList<>();
        String previous = AuditChain.GENESIS;
        for (int i = 0; i < n; i++) {
            AuditRecord record = AuditRecord.newBuilder()
                    .setRecordId(AuditChain.recordId(chainNumber, i))
                    .setChain(chainNumber)
                    .setSequence(i)
                    .setIntentId("int-" + i)
                    .setTenantId("acme")
                    .setEventId("evt-" + i)
                    .setEventType("IntentAccepted")
                    .setSourceTopic("intents")
                    .setSourcePartition(chainNumber)
                    .setSourceOffset(i)
                    .setOccurredAt(NOW.plusSeconds(i))
                    .setRecordedAt(NOW.plusSeconds(i))
                    .setPayload(ByteBuffer.wrap(("payload-" + i).getBytes(StandardCharsets.UTF_8)))
                    .setSummary("accepted " + i)
                    .setPreviousHash(previous)
                    .setHash("")
                    .build();
            record.setHash(AuditChain.hash(record));
            previous = record.getHash();
            records.add(record);
        }
        return records;
    }

    private AuditFixtures() {}
}
