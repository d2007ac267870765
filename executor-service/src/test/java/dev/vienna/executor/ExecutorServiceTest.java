package dev.vienna.executor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.kafka.local.KafkaBrokerResource;
import dev.vienna.kafka.local.KafkaProbe;
import dev.vienna.kafka.local.TestEvents;
import dev.vienna.sdk.WarrantKey;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ExecutorServiceTest {

    /** The %test signing key whose public half the service is configured with. */
    private static final WarrantKey SIGNER =
            WarrantKey.ed25519FromPrivate("vienna-test-1", "vI1C1IlrklsUTNYbmndUOeh1QWVg63gKy27qWefafsg");

    private final KafkaProbe kafka = new KafkaProbe(KafkaBrokerResource.broker().bootstrapServers());

    private static WarrantIssued warrant(String intentId, ExecutionMode mode, WarrantKey key) {
        return TestEvents.warrant(intentId, mode, key);
    }

    @Test
    void shouldExecuteAVerifiedDirectWarrant() {
        String intentId = UUID.randomUUID().toString();
        kafka.send(Topics.WARRANTS, intentId, warrant(intentId, ExecutionMode.DIRECT, SIGNER));
        var execution = kafka.await(Topics.EXECUTIONS, r -> r.key().equals(intentId), Duration.ofSeconds(60))
                .value();
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.getOutputJson()).isEqualTo("{\"graceful\":true}");
    }

    @Test
    void shouldRejectAWarrantSignedWithAnotherKey() {
        String intentId = UUID.randomUUID().toString();
        kafka.send(
                Topics.WARRANTS,
                intentId,
                warrant(intentId, ExecutionMode.DIRECT, WarrantKey.generateEd25519("vienna-test-1")));
        var execution = kafka.await(Topics.EXECUTIONS, r -> r.key().equals(intentId), Duration.ofSeconds(60))
                .value();
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(execution.getError()).startsWith("BAD_SIGNATURE");
    }

    @Test
    void shouldRejectAWarrantAddressedToSomeoneElse() {
        String intentId = UUID.randomUUID().toString();
        WarrantIssued forAgent = warrant(intentId, ExecutionMode.PASSBACK, SIGNER);
        forAgent.setMode(ExecutionMode.DIRECT); // relabelled in transit: the token still names the agent
        kafka.send(Topics.WARRANTS, intentId, forAgent);
        var execution = kafka.await(Topics.EXECUTIONS, r -> r.key().equals(intentId), Duration.ofSeconds(60))
                .value();
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(execution.getError()).startsWith("WRONG_AUDIENCE");
    }

    @Test
    void shouldDeadLetterGarbageAndSkipPassbackWhileExecutingWhatFollows() {
        // all on one key, so one partition and one order
        String key = UUID.randomUUID().toString();
        kafka.sendRaw(Topics.WARRANTS, key.getBytes(), "garbage".getBytes());
        kafka.send(Topics.WARRANTS, key, warrant("passback-" + key, ExecutionMode.PASSBACK, SIGNER));
        kafka.send(Topics.WARRANTS, key, warrant(key, ExecutionMode.DIRECT, SIGNER));

        var dead = kafka.readRawUntil(
                Topics.DEAD_LETTER.name(), r -> new String(r.key()).equals(key), Duration.ofSeconds(60));
        assertThat(dead).last().satisfies(r -> {
            assertThat(new String(r.value())).isEqualTo("garbage");
            assertThat(DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.SERVICE))
                    .isEqualTo("executor-service");
            assertThat(DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON))
                    .contains("not a WarrantIssued");
        });
        var executions = kafka.readUntil(Topics.EXECUTIONS, r -> r.key().equals(key), Duration.ofSeconds(60));
        assertThat(executions).anySatisfy(r -> assertThat(r.key()).isEqualTo(key));
        assertThat(executions).noneSatisfy(r -> assertThat(r.key()).isEqualTo("passback-" + key));
    }

    @Test
    void shouldBeReadyOnceTheConsumerHoldsPartitions() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() ->
                        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
    }

    @jakarta.inject.Inject
    WarrantConsumer consumer;

    @Test
    void shouldRefuseAWarrantRevokedByTheKillSwitchWithinASecond() throws Exception {
        String intentId = UUID.randomUUID().toString();
        WarrantIssued warrant = TestEvents.warrant(intentId, ExecutionMode.DIRECT, SIGNER, "compromised-agent");
        var claims = dev.vienna.sdk.WarrantTokens.readUnverified(warrant.getToken());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        kafka.send(
                Topics.WARRANT_REVOCATIONS,
                "agent:" + warrant.getAgentId(),
                dev.vienna.events.WarrantRevoked.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setTenantId("acme")
                        .setOccurredAt(now)
                        .setScope(dev.vienna.events.RevocationScope.AGENT)
                        .setAgentId(warrant.getAgentId())
                        .setRevokedBefore(now)
                        .setRevokedBy("alice")
                        .setReason("compromised")
                        .build());
        Awaitility.await()
                .atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> consumer.revocations().isRevoked(claims));

        kafka.send(Topics.WARRANTS, intentId, warrant);
        var execution = kafka.await(Topics.EXECUTIONS, r -> r.key().equals(intentId), Duration.ofSeconds(60))
                .value();
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(execution.getError()).startsWith("REVOKED");
    }

    @jakarta.inject.Inject
    @io.smallrye.common.annotation.Identifier("default-kafka-broker")
    java.util.Map<String, Object> kafkaConfig;

    @Test
    void shouldRefuseAWarrantClaimedBeforeARestart() throws Exception {
        // given a warrant the running executor has executed
        String intentId = UUID.randomUUID().toString();
        WarrantIssued warrant = warrant(intentId, ExecutionMode.DIRECT, SIGNER);
        kafka.send(Topics.WARRANTS, intentId, warrant);
        assertThat(kafka.await(Topics.EXECUTIONS, r -> r.key().equals(intentId), Duration.ofSeconds(60))
                        .value()
                        .getStatus())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        var claimRecord = kafka.await(Topics.WARRANT_CLAIMS, r -> r.key().equals(intentId), Duration.ofSeconds(10));
        assertThat(claimRecord.value().getExecutorId()).isEqualTo("executor-service");
        assertThat(claimRecord.value().getWarrantId()).isEqualTo(warrant.getWarrantId());

        // when an executor starts afresh (a restart) and loads the ledger
        try (ConsumedWarrants restarted =
                ConsumedWarrants.load(kafkaConfig, "executor-after-restart", java.time.Clock.systemUTC())) {
            // then the warrant cannot be claimed again, while a new one can
            assertThat(restarted.claim(dev.vienna.sdk.WarrantTokens.readUnverified(warrant.getToken())))
                    .isFalse();
            WarrantIssued fresh = warrant(UUID.randomUUID().toString(), ExecutionMode.DIRECT, SIGNER);
            assertThat(restarted.claim(dev.vienna.sdk.WarrantTokens.readUnverified(fresh.getToken())))
                    .isTrue();
        }
    }
}
