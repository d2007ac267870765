package dev.vienna.warrant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.Approval;
import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.SignatureAlgorithm;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantVerifier;
import dev.vienna.testing.TestEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WarrantTopologyTest {

    private static final Instant APPROVED_AT = Instant.parse("2026-11-22T12:00:00.789Z");
    private static final Instant ISSUED_AT = Instant.parse("2026-11-22T12:00:00Z");

    private static TopologyTestDriver driver(WarrantKey key) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "warrant-test");
        return new TopologyTestDriver(
                WarrantTopology.buildTopology(new WarrantTopology.Issuer(
                        mode -> key,
                        "vienna",
                        "vienna-executor",
                        tier -> tier == Tier.T3 ? Duration.ofMinutes(5) : Duration.ofMinutes(15))),
                props);
    }

    private static ApprovalDecided approved(String intentId, Tier tier, ExecutionMode mode) {
        ApprovalDecided decided = TestEvents.approved(intentId, "restart_service", tier, mode);
        decided.setOccurredAt(APPROVED_AT);
        return decided;
    }

    private static WarrantVerifier verifierAt(Instant now, WarrantKey key) {
        return new WarrantVerifier(
                List.of(key.algorithm() == SignatureAlgorithm.ED25519 ? key.verifyOnly() : key),
                Clock.fixed(now, ZoneOffset.UTC),
                Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void shouldIssueAWarrantThatVerifiesForExactlyTheApprovedAction(SignatureAlgorithm algorithm) {
        WarrantKey key = algorithm == SignatureAlgorithm.ED25519
                ? WarrantKey.generateEd25519("k1")
                : WarrantKey.generateHmac("k1");
        try (TopologyTestDriver driver = driver(key)) {
            var in = driver.createInputTopic(
                    Topics.APPROVED.name(),
                    Serdes.String().serializer(),
                    Topics.APPROVED.valueSerde().serializer());
            var out = driver.createOutputTopic(
                    Topics.WARRANTS.name(),
                    Serdes.String().deserializer(),
                    Topics.WARRANTS.valueSerde().deserializer());

            in.pipeInput("i-1", approved("i-1", Tier.T1, ExecutionMode.DIRECT));

            var record = out.readKeyValue();
            WarrantIssued warrant = record.value;
            assertThat(record.key).isEqualTo("i-1");
            assertThat(warrant.getAudience()).isEqualTo("vienna-executor");
            assertThat(warrant.getIssuedAt()).isEqualTo(ISSUED_AT);
            assertThat(warrant.getOccurredAt()).isEqualTo(APPROVED_AT);
            assertThat(warrant.getExpiresAt()).isEqualTo(ISSUED_AT.plus(Duration.ofMinutes(15)));
            assertThat(warrant.getConstraints()).containsEntry("max_replicas", "params.replicas <= 50");
            var action = new ActionRequest("agent-7", "restart_service", "api-server", "{\"replicas\":25}");
            var verification =
                    verifierAt(ISSUED_AT.plusSeconds(1), key).verify(warrant.getToken(), "vienna-executor", action);
            assertThat(verification.valid()).as(verification.detail()).isTrue();
            assertThat(verification.claims().warrantId()).isEqualTo(warrant.getWarrantId());
            assertThat(warrant.getActionDigest()).isEqualTo(action.digest());
        }
    }

    @Test
    void shouldIssueTheIdenticalWarrantForARedeliveredApproval() {
        try (TopologyTestDriver driver = driver(WarrantKey.generateEd25519("k1"))) {
            var in = driver.createInputTopic(
                    Topics.APPROVED.name(),
                    Serdes.String().serializer(),
                    Topics.APPROVED.valueSerde().serializer());
            var out = driver.createOutputTopic(
                    Topics.WARRANTS.name(),
                    Serdes.String().deserializer(),
                    Topics.WARRANTS.valueSerde().deserializer());
            ApprovalDecided decided = approved("i-2", Tier.T1, ExecutionMode.DIRECT);
            in.pipeInput("i-2", decided);
            in.pipeInput("i-2", decided);
            List<WarrantIssued> warrants = out.readValuesToList();
            assertThat(warrants).hasSize(2);
            assertThat(warrants.get(1)).isEqualTo(warrants.get(0));
        }
    }

    @Test
    void shouldAddressPassbackWarrantsToTheAgentAndCarryTheApprovers() {
        WarrantKey key = WarrantKey.generateEd25519("k1");
        try (TopologyTestDriver driver = driver(key)) {
            var in = driver.createInputTopic(
                    Topics.APPROVED.name(),
                    Serdes.String().serializer(),
                    Topics.APPROVED.valueSerde().serializer());
            var out = driver.createOutputTopic(
                    Topics.WARRANTS.name(),
                    Serdes.String().deserializer(),
                    Topics.WARRANTS.valueSerde().deserializer());
            ApprovalDecided decided = approved("t3", Tier.T3, ExecutionMode.PASSBACK);
            decided.setAutomatic(false);
            Instant aliceAt = APPROVED_AT.minusSeconds(600).plusMillis(250);
            decided.setApprovals(
                    List.of(new Approval("alice", "checked", aliceAt), new Approval("bob", "ok", APPROVED_AT)));
            decided.setDenials(List.of());
            in.pipeInput("t3", decided);
            WarrantIssued warrant = out.readValue();
            assertThat(warrant.getAudience()).isEqualTo("agent:agent-7");
            assertThat(warrant.getApprovedBy()).containsExactly("alice", "bob");
            assertThat(warrant.getExpiresAt()).isEqualTo(ISSUED_AT.plus(Duration.ofMinutes(5)));

            // the signed token names each approver with the time of their approval (JWT whole seconds)
            var action = new ActionRequest("agent-7", "restart_service", "api-server", "{\"replicas\":25}");
            var verification =
                    verifierAt(ISSUED_AT.plusSeconds(1), key).verify(warrant.getToken(), "agent:agent-7", action);
            assertThat(verification.valid()).as(verification.detail()).isTrue();
            assertThat(verification.claims().approvedBy())
                    .containsExactly(
                            new WarrantClaims.Approver("alice", aliceAt.truncatedTo(ChronoUnit.SECONDS)),
                            new WarrantClaims.Approver("bob", ISSUED_AT));
        }
    }

    @Test
    void shouldSignEachModeWithItsOwnKey() {
        WarrantKey hmac = WarrantKey.generateHmac("direct-hs");
        WarrantKey ed = WarrantKey.generateEd25519("passback-ed");
        var issuer = new WarrantTopology.Issuer(
                mode -> mode == ExecutionMode.DIRECT ? hmac : ed,
                "vienna",
                "vienna-executor",
                tier -> Duration.ofMinutes(5));
        assertThat(WarrantTopology.issue(approved("a", Tier.T1, ExecutionMode.DIRECT), issuer)
                        .getAlgorithm())
                .isEqualTo(dev.vienna.events.SignatureAlgorithm.HMAC_SHA256);
        assertThat(WarrantTopology.issue(approved("b", Tier.T3, ExecutionMode.PASSBACK), issuer)
                        .getKeyId())
                .isEqualTo("passback-ed");
    }

    @ParameterizedTest
    @EnumSource(
            value = ApprovalOutcome.class,
            names = {"DENIED", "EXPIRED"})
    void shouldIssueNothingForAnIntentThatWasNotApproved(ApprovalOutcome outcome) {
        try (TopologyTestDriver driver = driver(WarrantKey.generateEd25519("k1"))) {
            var in = driver.createInputTopic(
                    Topics.APPROVED.name(),
                    Serdes.String().serializer(),
                    Topics.APPROVED.valueSerde().serializer());
            var out = driver.createOutputTopic(
                    Topics.WARRANTS.name(),
                    Serdes.String().deserializer(),
                    Topics.WARRANTS.valueSerde().deserializer());
            ApprovalDecided notApproved = approved("d", Tier.T3, ExecutionMode.PASSBACK);
            notApproved.setOutcome(outcome);
            notApproved.setApprovals(List.of(new Approval("alice", "ok", APPROVED_AT)));
            in.pipeInput("d", notApproved);
            assertThat(out.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldShortenTheLifetimeOnlyWhenThePolicyAsksForLess() {
        Duration cap = Duration.ofMinutes(10);
        ApprovalDecided decided = approved("l", Tier.T2, ExecutionMode.PASSBACK);
        decided.setConstraints(Map.of(WarrantTopology.LIFETIME_CONSTRAINT, "PT2M"));
        assertThat(WarrantTopology.lifetime(decided, cap)).isEqualTo(Duration.ofMinutes(2));
        decided.setConstraints(Map.of(WarrantTopology.LIFETIME_CONSTRAINT, "PT1H"));
        assertThat(WarrantTopology.lifetime(decided, cap)).isEqualTo(cap);
        decided.setConstraints(Map.of(WarrantTopology.LIFETIME_CONSTRAINT, "soon"));
        assertThat(WarrantTopology.lifetime(decided, cap)).isEqualTo(cap);
    }
}
