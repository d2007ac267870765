package dev.vienna.sdk.kafka.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.AuditRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    @Test
    void shouldVerifyIntactChains() {
        List<AuditRecord> records = new ArrayList<>(AuditFixtures.chain(0, 5));
        records.addAll(AuditFixtures.chain(1, 3));
        AuditChain.Report report = AuditChain.verify(records);
        assertThat(report.intact()).isTrue();
        assertThat(report.records()).isEqualTo(8);
        assertThat(report.chains()).isEqualTo(2);
    }

    @Test
    void shouldNameTheRecordWhosePayloadWasAltered() {
        List<AuditRecord> records = AuditFixtures.chain(0, 5);
        records.get(2).setPayload(ByteBuffer.wrap("tampered".getBytes()));
        AuditChain.Report report = AuditChain.verify(records);
        assertThat(report.breaks()).singleElement().satisfies(b -> {
            assertThat(b.recordId()).isEqualTo(AuditChain.recordId(0, 2));
            assertThat(b.problem()).contains("content altered");
        });
    }

    @Test
    void shouldNameTheGapWhereARecordWasRemoved() {
        List<AuditRecord> records = new ArrayList<>(AuditFixtures.chain(0, 5));
        records.remove(3);
        AuditChain.Report report = AuditChain.verify(records);
        assertThat(report.breaks()).singleElement().satisfies(b -> {
            assertThat(b.sequence()).isEqualTo(4);
            assertThat(b.problem()).contains("missing or reordered");
        });
    }

    @Test
    void shouldDetectARecordRehashedAfterTamperingByItsSuccessor() {
        // an attacker who rewrites a record and recomputes its hash still breaks the next link
        List<AuditRecord> records = AuditFixtures.chain(0, 4);
        records.get(1).setSummary("nothing happened");
        records.get(1).setHash(AuditChain.hash(records.get(1)));
        AuditChain.Report report = AuditChain.verify(records);
        assertThat(report.breaks())
                .singleElement()
                .satisfies(b -> assertThat(b.sequence()).isEqualTo(2));
    }
}
