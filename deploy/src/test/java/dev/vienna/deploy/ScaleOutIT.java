package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vienna.sdk.client.ViennaClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two instances of every service on one broker ({@code ./vienna up --instances 2}): each approval- and audit-service
 * instance holds only the partitions it owns, yet either answers every read and takes every vote (routed by key to the
 * owner, lists merged from both), two intake instances make one intent of one idempotency key, and with one approval
 * instance lost the other refuses to show a partial pending list until it holds every partition.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 3;

    private static ViennaStack stack;
    private static ViennaClient client;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStacks.start("e2e-scale-out", options -> options.withInstances(2));
        client = stack.client("deploy-agent");
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldAnswerEveryReadAndVoteOnEitherInstance() throws Exception {
        assertThat(stack.instances()).isEqualTo(2);
        // given T3 intents on every partition, so that each instance owns some of them
        List<String> intents = new ArrayList<>();
        Set<Integer> partitions = new HashSet<>();
        for (int i = 0; partitions.size() < PARTITIONS && i < 40; i++) {
            String intentId = submitDeploy("v9." + i, "scale-out test " + i);
            intents.add(intentId);
            partitions.add(partitionOf(intentId));
        }
        assertThat(partitions).hasSize(PARTITIONS);
        for (String intentId : intents) {
            client.awaitState(intentId, Set.of("PENDING_APPROVAL"), Duration.ofSeconds(90));
        }
        String viewer = token("vera", "viewer");

        // then either approval-service instance answers for every intent, the other's through its owner
        Set<String> answeredBy = new HashSet<>();
        for (String intentId : intents) {
            for (int instance = 0; instance < 2; instance++) {
                HttpResponse<String> answer =
                        get(stack.uriOf("approval-service", instance), "/v1/approvals/" + intentId, viewer);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(JSON.readTree(answer.body()).get("intentId").asText())
                        .isEqualTo(intentId);
                answeredBy.add(answer.headers()
                        .firstValue("Vienna-Answered-By")
                        .orElse("localhost:"
                                + stack.uriOf("approval-service", instance).getPort()));
            }
        }
        assertThat(answeredBy)
                .as("both instances own some of the intents")
                .containsExactlyInAnyOrder(
                        "localhost:" + stack.uriOf("approval-service", 0).getPort(),
                        "localhost:" + stack.uriOf("approval-service", 1).getPort());

        // and each instance lists every pending intent, its own and the other's, oldest first
        for (int instance = 0; instance < 2; instance++) {
            HttpResponse<String> answer =
                    get(stack.uriOf("approval-service", instance), "/v1/approvals/pending?tier=T3", viewer);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            List<String> listed = new ArrayList<>();
            List<java.time.Instant> tieredAt = new ArrayList<>();
            JSON.readTree(answer.body()).forEach(view -> {
                listed.add(view.get("intentId").asText());
                tieredAt.add(java.time.Instant.parse(view.get("tieredAt").asText()));
            });
            assertThat(listed).as("instance %d", instance).containsAll(intents).doesNotHaveDuplicates();
            assertThat(tieredAt).isSorted();
        }

        // and a vote sent to either instance is checked against the owner's state: carol is refused on her own
        // agent's intent, alice's and bob's votes count wherever they land
        for (String intentId : intents) {
            OperatorClient carol = operator(1, "carol");
            assertThat(carol.voteOnWhatIsPending(intentId, "APPROVE", "mine").status())
                    .isEqualTo(403);
            assertThat(operator(0, "alice")
                            .voteOnWhatIsPending(intentId, "APPROVE", "reviewed")
                            .status())
                    .isEqualTo(202);
            // the same operator again, through the other instance: the owner has seen alice's vote
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(operator(1, "alice")
                                    .voteOnWhatIsPending(intentId, "APPROVE", "again")
                                    .status())
                            .isEqualTo(409));
            assertThat(operator(1, "bob")
                            .voteOnWhatIsPending(intentId, "APPROVE", "tested")
                            .status())
                    .isEqualTo(202);
        }
        for (String intentId : intents) {
            client.awaitState(intentId, Set.of("WARRANTED"), Duration.ofSeconds(90));
        }

        // and either audit-service instance answers every intent's lifecycle to the agent that submitted it
        for (String intentId : intents) {
            for (int instance = 0; instance < 2; instance++) {
                HttpResponse<String> answer = get(
                        stack.uriOf("audit-service", instance),
                        "/v1/intents/" + intentId,
                        stack.apiKey("deploy-agent"));
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                JsonNode lifecycle = JSON.readTree(answer.body());
                assertThat(lifecycle.get("state").asText()).isEqualTo("WARRANTED");
                assertThat(lifecycle.get("events").findValuesAsText("type")).contains("ApprovalDecided");
            }
            // another agent is refused by the owner too
            HttpResponse<String> other =
                    get(stack.uriOf("audit-service", 1), "/v1/intents/" + intentId, stack.apiKey("e2e-agent"));
            assertThat(other.statusCode()).isEqualTo(404);
        }
    }

    @Test
    @Order(2)
    void shouldMakeOneIntentOfOneIdempotencyKeyOnTwoIntakeInstances() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agentId", "e2e-agent");
        body.put("action", "noop");
        body.put("resource", "scale-out");
        body.put("params", Map.of("once", true));
        body.put("idempotencyKey", "scale-out-once-1");
        List<String> ids = new ArrayList<>();
        for (int instance = 0; instance < 2; instance++) {
            HttpResponse<String> answer = HTTP.send(
                    HttpRequest.newBuilder(
                                    stack.uriOf("intake-service", instance).resolve("/v1/intents"))
                            .header("Authorization", "Bearer " + stack.apiKey("e2e-agent"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            ids.add(JSON.readTree(answer.body()).get("intentId").asText());
        }
        assertThat(ids.get(1)).isEqualTo(ids.get(0));

        // then policy decided it once, and its action ran once
        ViennaClient e2e = stack.client("e2e-agent");
        e2e.awaitState(ids.get(0), Set.of("EXECUTED"), Duration.ofSeconds(90));
        JsonNode lifecycle = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> e2e.lifecycle(ids.get(0)).orElseThrow(),
                        l -> l.get("events").findValuesAsText("type").contains("ExecutionVerdict"));
        List<String> types = lifecycle.get("events").findValuesAsText("type");
        assertThat(types.stream().filter("IntentTiered"::equals)).hasSize(1);
        assertThat(types.stream().filter("WarrantIssued"::equals)).hasSize(1);
        assertThat(types.stream().filter("ExecutionReported"::equals)).hasSize(1);
    }

    @Test
    @Order(3)
    void shouldRefuseAPendingListWithAPartMissingUntilTheSurvivorHoldsEveryPartition() throws Exception {
        // given a pending intent
        String intentId = submitDeploy("v9.loss", "scale-out test: an instance is lost");
        client.awaitState(intentId, Set.of("PENDING_APPROVAL"), Duration.ofSeconds(90));
        String viewer = token("vera", "viewer");

        // when approval-service#1 dies (no supervisor here: it stays dead)
        ProcessHandle instance1 =
                ProcessHandle.of(stack.pidOf("approval-service", 1)).orElseThrow();
        instance1.destroyForcibly();
        instance1.onExit().get();

        // then instance 0 does not show a list it cannot complete: 503 with Retry-After, naming the instance
        HttpResponse<String> refused = get(stack.uriOf("approval-service", 0), "/v1/approvals/pending", viewer);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(refused.body()).path("detail").asText())
                .contains("localhost:" + stack.uriOf("approval-service", 1).getPort());

        // and once the group has moved the lost instance's partitions to it, the whole list and every intent again
        Awaitility.await("instance 0 holding every partition")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    HttpResponse<String> answer =
                            get(stack.uriOf("approval-service", 0), "/v1/approvals/pending", viewer);
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    assertThat(JSON.readTree(answer.body()).findValuesAsText("intentId"))
                            .contains(intentId);
                    // the same wait for one intent: the dead member's session ending can rebalance the group once
                    // more (its stores briefly not queryable, 503) after the first reassignment answered the list
                    HttpResponse<String> one =
                            get(stack.uriOf("approval-service", 0), "/v1/approvals/" + intentId, viewer);
                    assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
                    assertThat(one.headers().firstValue("Vienna-Answered-By")).isEmpty();
                });
    }

    /** A T3 deploy by deploy-agent, acting for carol: it waits for two operators. */
    private static String submitDeploy(String version, String justification) {
        return client.submit(Map.of(
                "agentId",
                "deploy-agent",
                "action",
                "deploy_production",
                "resource",
                "checkout",
                "params",
                Map.of("version", version),
                "justification",
                justification,
                "owner",
                "carol"));
    }

    /** The partition Kafka's default partitioner puts {@code intentId}'s records (and its state) on. */
    private static int partitionOf(String intentId) {
        return Utils.toPositive(Utils.murmur2(intentId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static String token(String name, String role) {
        return stack.operatorIssuer().token(name, Duration.ofMinutes(15), List.of(role));
    }

    private static OperatorClient operator(int instance, String name) {
        return new OperatorClient(stack.uriOf("approval-service", instance), token(name, "approver"));
    }

    private static HttpResponse<String> get(URI service, String path, String bearer) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(service.resolve(path))
                        .header("Authorization", "Bearer " + bearer)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
