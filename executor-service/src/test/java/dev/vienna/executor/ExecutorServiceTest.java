package dev.vienna.executor;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.RevocationScope;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.events.WarrantIssued;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.sdk.kafka.claims.ClaimLedger;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantTokens;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ExecutorServiceTest {

    /** The %test signing key whose public half the service is configured with. */
    private static final WarrantKey SIGNER =
            WarrantKey.ed25519FromPrivate("vienna-test-1", "vI1C1IlrklsUTNYbmndUOeh1QWVg63gKy27qWefafsg");

    private final KafkaProbe kafka = KafkaBrokerResource.probe();

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
    void shouldClaimAndReportAWarrantInAChildSpanOfItsTrace() {
        // given a warrant that carries its trace (warrant-service's span)
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String parentSpanId = "b7ad6b7169203331";
        String intentId = UUID.randomUUID().toString();
        kafka.send(
                Topics.WARRANTS,
                intentId,
                warrant(intentId, ExecutionMode.DIRECT, SIGNER),
                new RecordHeaders().add("traceparent", ("00-" + traceId + "-" + parentSpanId + "-01").getBytes(UTF_8)));

        // then its claim and its report continue that trace, both from the one span the executor ran it in
        var execution = kafka.await(Topics.EXECUTIONS, r -> r.key().equals(intentId), Duration.ofSeconds(60));
        var claim = kafka.await(Topics.WARRANT_CLAIMS, r -> r.key().equals(intentId), Duration.ofSeconds(60));
        String reported = KafkaProbe.header(execution, "traceparent");
        assertThat(reported).matches("00-" + traceId + "-[0-9a-f]{16}-01").doesNotContain(parentSpanId);
        assertThat(KafkaProbe.header(claim, "traceparent")).isEqualTo(reported);
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

    @Inject
    WarrantConsumer consumer;

    @Test
    void shouldRefuseAWarrantRevokedByTheKillSwitchWithinASecond() throws Exception {
        String intentId = UUID.randomUUID().toString();
        WarrantIssued warrant = TestEvents.warrant(intentId, ExecutionMode.DIRECT, SIGNER, "compromised-agent");
        var claims = WarrantTokens.readUnverified(warrant.getToken());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        kafka.send(
                Topics.WARRANT_REVOCATIONS,
                "agent:" + warrant.getAgentId(),
                WarrantRevoked.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setTenantId("acme")
                        .setOccurredAt(now)
                        .setScope(RevocationScope.AGENT)
                        .setAgentId(warrant.getAgentId())
                        .setRevokedBefore(now)
                        .setRevokedBy("alice")
                        .setReason("compromised")
                        .build());
        long sentAt = System.nanoTime();
        // a generous deadline: the behaviour is asserted here, the propagation time only printed
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> consumer.revocations().isRevoked(claims));
        System.out.printf(
                "measured: revocation followed by the executor %d ms after it was acknowledged%n",
                Duration.ofNanos(System.nanoTime() - sentAt).toMillis());

        kafka.send(Topics.WARRANTS, intentId, warrant);
        var execution = kafka.await(Topics.EXECUTIONS, r -> r.key().equals(intentId), Duration.ofSeconds(60))
                .value();
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(execution.getError()).startsWith("REVOKED");
    }

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

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

        // when an executor starts afresh (a restart) and follows the ledger
        try (ClaimLedger restarted =
                new ClaimLedger(kafkaConfig, "executor-after-restart", Clock.systemUTC(), Duration.ofSeconds(30))) {
            assertThat(restarted.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            // then the warrant cannot be claimed again, while a new one can
            var again =
                    restarted.claim(claimOf(warrant, "executor-after-restart")).get(10, TimeUnit.SECONDS);
            assertThat(again.won()).isFalse();
            assertThat(again.first().claimant()).isEqualTo("executor-service");
            WarrantIssued fresh = warrant(UUID.randomUUID().toString(), ExecutionMode.DIRECT, SIGNER);
            assertThat(restarted
                            .claim(claimOf(fresh, "executor-after-restart"))
                            .get(10, TimeUnit.SECONDS)
                            .won())
                    .isTrue();
        }
    }

    @Test
    void shouldLetExactlyOneOfTwoRacingClaimantsWin() throws Exception {
        // given two claimants that both follow the ledger and have never seen these warrants
        try (ClaimLedger a = new ClaimLedger(kafkaConfig, "racer-a", Clock.systemUTC(), Duration.ofSeconds(30));
                ClaimLedger b = new ClaimLedger(kafkaConfig, "racer-b", Clock.systemUTC(), Duration.ofSeconds(30))) {
            assertThat(a.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(b.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            int winners = 0;
            for (int i = 0; i < 20; i++) {
                WarrantIssued w = warrant(UUID.randomUUID().toString(), ExecutionMode.DIRECT, SIGNER);
                // when both claim each warrant at the same moment
                var first = a.claim(claimOf(w, "racer-a"));
                var second = b.claim(claimOf(w, "racer-b"));
                boolean aWon = first.get(10, TimeUnit.SECONDS).won();
                boolean bWon = second.get(10, TimeUnit.SECONDS).won();
                // then exactly one wins, and both agree on who
                assertThat(aWon ^ bWon)
                        .as("warrant %d: a won %s, b won %s", i, aWon, bWon)
                        .isTrue();
                assertThat(a.firstClaim(w.getWarrantId()).orElseThrow().claimant())
                        .isEqualTo(b.firstClaim(w.getWarrantId()).orElseThrow().claimant())
                        .isEqualTo(aWon ? "racer-a" : "racer-b");
                winners += aWon ? 1 : 0;
            }
            System.out.println("measured: of 20 races, racer-a won " + winners);
        }
    }

    private static WarrantClaimed claimOf(WarrantIssued warrant, String claimant) {
        return WarrantClaimed.newBuilder()
                .setEventId(EventIds.random())
                .setIntentId(warrant.getIntentId())
                .setTenantId(warrant.getTenantId())
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setWarrantId(warrant.getWarrantId())
                .setExecutorId(claimant)
                .setExpiresAt(warrant.getExpiresAt())
                .build();
    }
}
