package dev.vienna.warrant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.Approval;
import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.KeyThumbprints;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
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
                WarrantTopology.buildTopology(
                        new WarrantTopology.Issuer(
                                mode -> key,
                                "vienna",
                                "vienna-executor",
                                tier -> tier == Tier.T3 ? Duration.ofMinutes(5) : Duration.ofMinutes(15),
                                SUSPENDED,
                                BINDING),
                        RecordTracing.off()),
                props);
    }

    /** The registry of these tests: agent "rogue" is suspended, every other agent active. */
    private static final Function<String, Optional<String>> SUSPENDED = agentId ->
            agentId.equals("rogue") ? Optional.of("agent rogue is suspended: leaked credentials") : Optional.empty();

    /** The Ed25519 key agent-7 registered: its passback warrants are bound to it. */
    private static final WarrantKey AGENT_KEY = WarrantKey.generateEd25519("agent-7-1");

    private static final String AGENT_THUMBPRINT = KeyThumbprints.ofEd25519(
                    Base64.getUrlEncoder().withoutPadding().encodeToString(AGENT_KEY.publicKey()))
            .orElseThrow();

    /** Every agent but "keyless" has AGENT_KEY registered. */
    private static final Function<String, Optional<String>> BINDING =
            agentId -> agentId.equals("keyless") ? Optional.empty() : Optional.of(AGENT_THUMBPRINT);

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

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void shouldIssueAByteIdenticalTokenEachTimeTheSameDecisionIsProcessed(SignatureAlgorithm algorithm) {
        // given one approval decision, as its bytes on the approved topic
        WarrantKey key = algorithm == SignatureAlgorithm.ED25519
                ? WarrantKey.generateEd25519("k1")
                : WarrantKey.generateHmac("k1");
        ApprovalDecided decided = approved("same", Tier.T2, ExecutionMode.PASSBACK);
        decided.setApprovals(List.of(new Approval("alice", "ok", APPROVED_AT.minusSeconds(30))));
        byte[] onTheTopic = Topics.APPROVED.valueSerde().serializer().serialize("approved", decided);

        // when it is processed twice, by two stage instances whose clocks are a day apart
        byte[] first = issuedBytes(key, onTheTopic, APPROVED_AT.plusSeconds(2));
        byte[] second = issuedBytes(key, onTheTopic, APPROVED_AT.plus(Duration.ofDays(1)));

        // then both issue the same warrant, byte for byte: same token, id, times and event
        WarrantIssued one = Topics.WARRANTS.valueSerde().deserializer().deserialize("warrants", first);
        WarrantIssued two = Topics.WARRANTS.valueSerde().deserializer().deserialize("warrants", second);
        assertThat(two.getToken()).isEqualTo(one.getToken());
        assertThat(second).isEqualTo(first);
        assertThat(one.getIssuedAt()).isEqualTo(ISSUED_AT);
        assertThat(one.getExpiresAt()).isEqualTo(ISSUED_AT.plus(Duration.ofMinutes(15)));
        assertThat(one.getEventId()).isEqualTo(two.getEventId());
    }

    /** The bytes the warrants topic gets when a fresh stage, its wall clock at {@code now}, reads {@code approval}. */
    private static byte[] issuedBytes(WarrantKey key, byte[] approval, Instant now) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "warrant-test-" + now.toEpochMilli());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                WarrantTopology.buildTopology(
                        new WarrantTopology.Issuer(
                                mode -> key,
                                "vienna",
                                "vienna-executor",
                                tier -> Duration.ofMinutes(15),
                                SUSPENDED,
                                BINDING),
                        RecordTracing.off()),
                props,
                now)) {
            driver.createInputTopic(
                            Topics.APPROVED.name(),
                            Serdes.String().serializer(),
                            Serdes.ByteArray().serializer())
                    .pipeInput("same", approval, now);
            return driver.createOutputTopic(
                            Topics.WARRANTS.name(),
                            Serdes.String().deserializer(),
                            Serdes.ByteArray().deserializer())
                    .readValue();
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
            var verification = verifierAt(ISSUED_AT.plusSeconds(1), key)
                    .verify(warrant.getToken(), "agent:agent-7", action, WarrantVerifier.Presenter.holding(AGENT_KEY));
            assertThat(verification.valid()).as(verification.detail()).isTrue();
            // bound to the agent's registered key: the event and the token (cnf.jkt) name its thumbprint, and
            // the token alone, without the key, is refused
            assertThat(warrant.getConfirmationKeyThumbprint()).isEqualTo(AGENT_THUMBPRINT);
            assertThat(verification.claims().confirmationThumbprint()).isEqualTo(AGENT_THUMBPRINT);
            assertThat(verifierAt(ISSUED_AT.plusSeconds(1), key)
                            .verify(warrant.getToken(), "agent:agent-7", action)
                            .reason())
                    .isEqualTo(WarrantVerifier.Reason.KEY_NOT_PROVEN);
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
                tier -> Duration.ofMinutes(5),
                SUSPENDED,
                BINDING);
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
    void shouldSignNothingForASuspendedAgentAndDeadLetterTheApprovalWithTheReason() {
        try (TopologyTestDriver driver = driver(WarrantKey.generateEd25519("k1"))) {
            var in = driver.createInputTopic(
                    Topics.APPROVED.name(),
                    Serdes.String().serializer(),
                    Topics.APPROVED.valueSerde().serializer());
            var warrants = driver.createOutputTopic(
                    Topics.WARRANTS.name(),
                    Serdes.String().deserializer(),
                    Topics.WARRANTS.valueSerde().deserializer());
            var deadLetters = driver.createOutputTopic(
                    Topics.DEAD_LETTER.name(),
                    Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer());
            // given an approval (held or automatic) for a suspended agent, then one for an active agent
            ApprovalDecided rogue = approved("r", Tier.T3, ExecutionMode.PASSBACK);
            rogue.getIntent().setAgentId("rogue");
            in.pipeInput("r", rogue);
            in.pipeInput("a", approved("a", Tier.T1, ExecutionMode.DIRECT));
            ApprovalDecided keyless = approved("k", Tier.T3, ExecutionMode.PASSBACK);
            keyless.getIntent().setAgentId("keyless");
            in.pipeInput("k", keyless);
            ApprovalDecided keylessDirect = approved("kd", Tier.T1, ExecutionMode.DIRECT);
            keylessDirect.getIntent().setAgentId("keyless");
            in.pipeInput("kd", keylessDirect);
            // then only the active agent gets a warrant, and the refusal is a dead letter naming why; an agent
            // without a signing key gets DIRECT warrants but no PASSBACK one, which would be bound to nothing
            assertThat(warrants.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("a", "kd");
            var dead = deadLetters.readRecord();
            assertThat(dead.key()).isEqualTo("r");
            assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.REASON))
                    .isEqualTo("no warrant: agent rogue is suspended: leaked credentials");
            assertThat(Topics.APPROVED.valueSerde().deserializer().deserialize("approved", dead.value()))
                    .isEqualTo(rogue);
            var unbound = deadLetters.readRecord();
            assertThat(unbound.key()).isEqualTo("k");
            assertThat(DeadLetterHeaders.read(unbound.headers(), DeadLetterHeaders.REASON))
                    .isEqualTo("no warrant: agent keyless has no registered signing key to bind its PASSBACK"
                            + " warrant to (cnf)");
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
