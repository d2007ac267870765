package dev.vienna.sdk;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders shared by the sdk tests. */
final class SdkFixtures {

    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    static final String EXECUTOR = "vienna-executor";
    static final ActionRequest RESTART =
            new ActionRequest("agent-7", "restart_service", "api-gateway", "{\"graceful\":true,\"timeout\":30}");

    /** A warrant's claims for {@link #RESTART}, valid for 15 minutes from {@link #NOW}. */
    static WarrantClaims claims() {
        return new WarrantClaims(
                "vienna",
                RESTART.agentId(),
                EXECUTOR,
                "wrt-1",
                NOW,
                NOW,
                NOW.plusSeconds(900),
                "int-1",
                "acme",
                RESTART.action(),
                RESTART.resource(),
                Tier.T1,
                ExecutionMode.DIRECT,
                Map.of("timeout_cap", "params.timeout <= 60"),
                List.of(new WarrantClaims.Approver("alice@acme.com", NOW.minusSeconds(60))),
                "v1",
                RESTART.digest());
    }

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

    private SdkFixtures() {}
}
