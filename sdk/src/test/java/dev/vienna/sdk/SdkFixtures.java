package dev.vienna.sdk;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import dev.vienna.events.WarrantIssued;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders shared by the sdk tests. */
final class SdkFixtures {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  static WarrantIssued.Builder unsignedWarrant() {
    return WarrantIssued.newBuilder()
        .setEventId("evt-w1")
        .setIntentId("int-1")
        .setTenantId("acme")
        .setOccurredAt(NOW)
        .setWarrantId("wrt-1")
        .setAgentId("agent-7")
        .setAction("restart_service")
        .setResource("api-gateway")
        .setParamsJson("{\"graceful\":true}")
        .setTier(Tier.T1)
        .setMode(ExecutionMode.DIRECT)
        .setConstraints(Map.of("max_replicas", "50"))
        .setApprovedBy(List.of())
        .setPolicyVersion("v1")
        .setIssuedAt(NOW)
        .setExpiresAt(NOW.plusSeconds(900));
  }

  /** A well-formed chain of n records on one chain number. */
  static List<AuditRecord> chain(int chainNumber, int n) {
    List<AuditRecord> records = new ArrayList<>();
    String previous = AuditChain.GENESIS;
    for (int i = 0; i < n; i++) {
      AuditRecord record =
          AuditRecord.newBuilder()
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
