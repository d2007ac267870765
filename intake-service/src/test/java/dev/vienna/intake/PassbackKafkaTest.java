package dev.vienna.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReportSubmitted;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.KafkaAccess;
import dev.vienna.events.PassbackFeedRecord;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.kafka.passback.KafkaPassbackExecutor;
import dev.vienna.sdk.passback.PassbackExecutor;
import dev.vienna.sdk.warrant.ExecutionReport;
import dev.vienna.sdk.warrant.ExecutionReports;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantVerifier;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.OperatorTokensResource;
import dev.vienna.testing.TestAgents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Passback over Kafka on the real broker with its ACLs: intake forwards an agent's warrants to its own feed (claimed
 * there for the feed, so never also over HTTP), two instances of the agent's {@link KafkaPassbackExecutor} run each
 * warrant exactly once between them, and their signed reports on {@code execution-reports} reach {@code executions};
 * forged or unclaimed reports are dead-lettered with the reason, and no other agent can read the feed.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
class PassbackKafkaTest {

    private static final String AGENT = TestAgents.FEED_AGENT;
    private static final WarrantKey WARRANT_SIGNER = WarrantKey.generateEd25519("warrant-kafka-test");
    private final KafkaProbe kafka = KafkaBrokerResource.probe();

    private static Map<String, Object> principalOf(String agentId) {
        return KafkaBrokerResource.credentials(KafkaAccess.agentPrincipal(agentId))
                .clientConfig(KafkaBrokerResource.broker().bootstrapServers());
    }

    /** A PASSBACK warrant of {@code agentId} bound to its registered key, published on warrants. */
    private WarrantIssued publishedWarrant(String agentId, String resource) {
        WarrantIssued warrant = PassbackFixtures.passbackWarrant(agentId, resource, WARRANT_SIGNER);
        kafka.send(Topics.WARRANTS, warrant.getIntentId(), warrant);
        return warrant;
    }

    private static String signedReport(WarrantIssued warrant, String agentId, WarrantKey key) {
        return ExecutionReports.sign(
                new ExecutionReport(
                        warrant.getWarrantId(),
                        warrant.getIntentId(),
                        agentId,
                        warrant.getActionDigest(),
                        ExecutionReport.Status.SUCCEEDED,
                        Instant.now().minusMillis(20).truncatedTo(ChronoUnit.MILLIS),
                        Instant.now().truncatedTo(ChronoUnit.MILLIS),
                        null,
                        null),
                key);
    }

    private String deadLetterReason(String key) {
        return kafka.deadLetterReason(key, Duration.ofSeconds(30));
    }

    /** Waits until intake knows agent-7's warrant (its long poll hands it out). */
    private static WarrantIssued handedOutOverHttp(WarrantIssued warrant) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> given().header(
                                "Authorization",
                                "Bearer " + TestAgents.get("agent-7").bearer())
                        .get("/v1/passback/warrants")
                        .then()
                        .extract()
                        .path("warrants.warrantId")
                        .toString()
                        .contains(warrant.getWarrantId()));
        return warrant;
    }

    private static KafkaPassbackExecutor instance(String name, PassbackExecutor.Action action) {
        return new KafkaPassbackExecutor(
                principalOf(AGENT),
                AGENT,
                name,
                TestAgents.get(AGENT).signingKey(),
                new WarrantVerifier(List.of(WARRANT_SIGNER), Clock.systemUTC(), Duration.ofSeconds(30)),
                action,
                Clock.systemUTC());
    }

    @Test
    void shouldRunEachForwardedWarrantOnceAcrossTwoInstancesAndPublishTheirReports() {
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        List<PassbackExecutor.Result> results = new CopyOnWriteArrayList<>();
        PassbackExecutor.Action action = warrant -> {
            runs.computeIfAbsent(warrant.claims().warrantId(), id -> new AtomicInteger())
                    .incrementAndGet();
            return "{\"deployed\":true}";
        };
        List<WarrantIssued> warrants = new ArrayList<>();
        try (var a = instance("a", action).onResult(results::add);
                var b = instance("b", action).onResult(results::add)) {
            for (int i = 0; i < 12; i++) {
                warrants.add(publishedWarrant(AGENT, "checkout-" + i));
            }
            Set<String> ids = warrants.stream().map(WarrantIssued::getWarrantId).collect(Collectors.toSet());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> results.stream()
                            .filter(r -> r.outcome().equals("EXECUTED"))
                            .map(PassbackExecutor.Result::warrantId)
                            .collect(Collectors.toSet())
                            .containsAll(ids));

            // each warrant ran once, between both instances
            assertThat(ids)
                    .allSatisfy(id ->
                            assertThat(runs.get(id).get()).as("runs of %s", id).isEqualTo(1));
            assertThat(results.stream()
                            .filter(r ->
                                    ids.contains(r.warrantId()) && r.outcome().equals("EXECUTED")))
                    .hasSize(ids.size());
        }
        for (WarrantIssued warrant : warrants) {
            // intake claimed it for the feed before forwarding it there
            WarrantClaimed central = kafka.await(
                            Topics.WARRANT_CLAIMS,
                            r -> r.value().getWarrantId().equals(warrant.getWarrantId()),
                            Duration.ofSeconds(20))
                    .value();
            assertThat(central.getExecutorId()).isEqualTo("agent:" + AGENT + "/feed");
            // and the agent's signed report reached executions
            ExecutionReported published = kafka.await(
                            Topics.EXECUTIONS, r -> r.key().equals(warrant.getIntentId()), Duration.ofSeconds(20))
                    .value();
            assertThat(published.getMode()).isEqualTo(ExecutionMode.PASSBACK);
            assertThat(published.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(published.getExecutorId()).isEqualTo("agent:" + AGENT);
            assertThat(published.getActionDigest()).isEqualTo(warrant.getActionDigest());
            assertThat(published.getOutputJson()).isEqualTo("{\"deployed\":true}");
            assertThat(ExecutionReports.verify(published.getSignedReport(), warrant.getConfirmationKeyThumbprint())
                            .valid())
                    .isTrue();
        }
        // the feed holds the instances' claims of the warrant (the first won), all by the agent's instances
        List<ConsumerRecord<String, PassbackFeedRecord>> feed =
                kafka.readUntil(Topics.passbackFeed(AGENT), r -> false, Duration.ofSeconds(3));
        String first = warrants.get(0).getWarrantId();
        assertThat(feed.stream()
                        .map(ConsumerRecord::value)
                        .filter(r -> r.getClaim() != null
                                && r.getClaim().getWarrantId().equals(first)))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getClaim().getExecutorId()).startsWith("agent:" + AGENT + "/"));
    }

    @Test
    void shouldNotHandAFeedAgentsWarrantsOutOverHttp() {
        given().header("Authorization", "Bearer " + TestAgents.get(AGENT).bearer())
                .get("/v1/passback/warrants")
                .then()
                .statusCode(409)
                .body("detail", org.hamcrest.Matchers.containsString("passback." + AGENT));
    }

    @Test
    void shouldKeepTheFeedFromOtherAgents() {
        KafkaProbe other = new KafkaProbe(principalOf("agent-7"));
        assertThatThrownBy(() -> other.send(
                        Topics.passbackFeed(AGENT),
                        "x",
                        PassbackFeedRecord.newBuilder().build()))
                .hasStackTraceContaining("TopicAuthorizationException");
        assertThatThrownBy(() -> other.readUntil(Topics.passbackFeed(AGENT), r -> true, Duration.ofSeconds(3)))
                .hasStackTraceContaining("TopicAuthorizationException");
    }

    @Test
    void shouldDeadLetterAForgedOrUnclaimedReportWithTheReason() {
        // agent-7 takes its warrants over HTTP: forwarded nowhere, so a report before its claim is refused
        WarrantIssued unclaimed = handedOutOverHttp(publishedWarrant("agent-7", "unclaimed"));
        KafkaProbe agent7 = new KafkaProbe(principalOf("agent-7"));
        agent7.send(
                Topics.EXECUTION_REPORTS,
                unclaimed.getIntentId(),
                ExecutionReportSubmitted.newBuilder()
                        .setSignedReport(signedReport(
                                unclaimed, "agent-7", TestAgents.get("agent-7").signingKey()))
                        .build());
        assertThat(deadLetterReason(unclaimed.getIntentId())).startsWith("Not claimed:");

        // a report signed by a key the warrant is not bound to: refused, whoever sent it
        WarrantIssued forged = handedOutOverHttp(publishedWarrant("agent-7", "forged"));
        agent7.send(
                Topics.EXECUTION_REPORTS,
                forged.getIntentId(),
                ExecutionReportSubmitted.newBuilder()
                        .setSignedReport(signedReport(forged, "agent-7", WarrantKey.generateEd25519("stolen")))
                        .build());
        assertThat(deadLetterReason(forged.getIntentId())).startsWith("Invalid report:");

        // not a report at all
        String key = "garbage-" + UUID.randomUUID();
        agent7.sendRaw(Topics.EXECUTION_REPORTS, key.getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
        assertThat(deadLetterReason(key)).isNotBlank();
    }
}
