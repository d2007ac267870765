package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.Topics;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.client.ViennaClient;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import dev.vienna.sdk.warrant.WarrantVerifier;
import dev.vienna.testing.KafkaProbe;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Operators deciding intents on the six packaged services and one real broker, with tokens from the stack's local
 * issuer, as people would with {@code ./vienna token} and curl. Relies on the shipped policies (policies/):
 * deploy_production is T3 (two approvals, justification required, PASSBACK), scale_kubernetes_deployment is T2 (one
 * approval). Service logs: target/e2e-shared/stack.log (the stack {@link TestStacks#shared} shares with
 * {@code ConsoleBrowserIT}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApprovalsEndToEndIT {

    private static ViennaStack stack;
    private static ViennaClient client;
    private static ViennaClient optimizer;
    private static KafkaProbe kafka;

    @BeforeAll
    static void startStack() throws Exception {
        stack = TestStacks.shared();
        client = stack.client("deploy-agent");
        optimizer = stack.client("infrastructure-optimizer");
        kafka = new KafkaProbe(stack.adminClientConfig());
    }

    private static OperatorClient operator(String name, String... roles) {
        return new OperatorClient(
                stack.uriOf("approval-service"),
                stack.operatorIssuer().token(name, Duration.ofMinutes(15), List.of(roles)));
    }

    private static String submitDeploy(String owner) {
        return client.submit(Map.of(
                "agentId",
                "deploy-agent",
                "action",
                "deploy_production",
                "resource",
                "checkout",
                "params",
                Map.of("version", "v2.3.1"),
                "justification",
                "release 2.3.1 fixes the payment timeout",
                "owner",
                owner));
    }

    @Test
    @Order(1)
    void shouldWarrantAT3IntentOnceTwoDistinctApproversAgreed() throws Exception {
        // given a T3 intent of an agent acting for carol
        String intentId = submitDeploy("carol");
        awaitState(intentId, "PENDING_APPROVAL");
        JsonNode pending = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> operator("vera", "viewer").approval(intentId), a -> a.status() == 200)
                .body();
        assertThat(pending.get("tier").asText()).isEqualTo("T3");
        assertThat(pending.at("/needed/approvals").asInt()).isEqualTo(2);
        String digest = pending.get("actionDigest").asText();
        assertThat(digest)
                .isEqualTo(
                        new ActionRequest("deploy-agent", "deploy_production", "checkout", "{\"version\":\"v2.3.1\"}")
                                .digest());

        // then carol may not approve her own agent's deploy, and a viewer may not vote
        assertThat(operator("carol", "approver")
                        .vote(intentId, "APPROVE", "mine", digest)
                        .status())
                .isEqualTo(403);
        assertThat(operator("vera", "viewer")
                        .vote(intentId, "APPROVE", "ok", digest)
                        .status())
                .isEqualTo(403);

        // when alice and bob approve
        assertThat(operator("alice", "approver")
                        .vote(intentId, "APPROVE", "release notes reviewed", digest)
                        .status())
                .isEqualTo(202);
        assertThat(operator("bob", "approver")
                        .vote(intentId, "APPROVE", "rollback tested", digest)
                        .status())
                .isEqualTo(202);

        // then the intent is WARRANTED, the warrant names both, and the timeline shows the votes
        awaitState(intentId, "WARRANTED");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode lifecycle = client.lifecycle(intentId).orElseThrow();
            assertThat(summariesOf(lifecycle, "ApprovalVoteCast"))
                    .containsExactlyInAnyOrder(
                            "APPROVE by alice: release notes reviewed", "APPROVE by bob: rollback tested");
            assertThat(typesOf(lifecycle))
                    .containsSubsequence("IntentAccepted", "IntentTiered", "ApprovalDecided", "WarrantIssued");
            assertThat(summariesOf(lifecycle, "ApprovalDecided"))
                    .singleElement()
                    .satisfies(s -> assertThat(s).startsWith("APPROVED").contains("alice, bob"));
        });
        var warrant = kafka.await(Topics.WARRANTS, r -> r.key().equals(intentId), Duration.ofSeconds(30))
                .value();
        assertThat(warrant.getApprovedBy()).containsExactlyInAnyOrder("alice", "bob");
        var published = WarrantKeyRing.fromJwks(HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(stack.jwksUri()).build(), HttpResponse.BodyHandlers.ofString())
                .body());
        var verifier = new WarrantVerifier(published.keys(), Clock.systemUTC(), Duration.ofSeconds(30));
        var action = new ActionRequest("deploy-agent", "deploy_production", "checkout", "{\"version\":\"v2.3.1\"}");
        // the passback warrant is bound to deploy-agent's registered key: it verifies for its holder only
        var agentKey = PassbackAgentExample.agentKey(
                "deploy-agent", stack.dataDir().resolve("agents").resolve("deploy-agent"));
        var verification = verifier.verify(
                warrant.getToken(), "agent:deploy-agent", action, WarrantVerifier.Presenter.holding(agentKey));
        assertThat(verification.valid()).as(verification.detail()).isTrue();
        assertThat(verifier.verify(warrant.getToken(), "agent:deploy-agent", action)
                        .reason())
                .isEqualTo(WarrantVerifier.Reason.KEY_NOT_PROVEN);
        assertThat(verification.claims().approvedBy())
                .extracting(WarrantClaims.Approver::operatorId)
                .containsExactlyInAnyOrder("alice", "bob");

        // and a late vote is refused
        assertThat(operator("dave", "approver")
                        .vote(intentId, "DENY", "too late", digest)
                        .status())
                .isEqualTo(409);
    }

    @Test
    @Order(2)
    void shouldDenyAT2IntentOnOneApproversDeny() {
        String intentId = optimizer.submit(Map.of(
                "agentId",
                "infrastructure-optimizer",
                "action",
                "scale_kubernetes_deployment",
                "resource",
                "api-server",
                "params",
                Map.of("replicas", 25),
                "costImpact",
                1200));
        optimizer.awaitState(intentId, Set.of("PENDING_APPROVAL"), Duration.ofSeconds(90));
        var dave = operator("dave", "approver");
        var answer = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> dave.voteOnWhatIsPending(intentId, "DENY", "no capacity budget this month"),
                        a -> a.status() != 404);
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(202);

        optimizer.awaitState(intentId, Set.of("DENIED"), Duration.ofSeconds(90));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode lifecycle = optimizer.lifecycle(intentId).orElseThrow();
            assertThat(summariesOf(lifecycle, "ApprovalVoteCast"))
                    .containsExactly("DENY by dave: no capacity budget this month");
            assertThat(summariesOf(lifecycle, "ApprovalDecided"))
                    .singleElement()
                    .satisfies(s -> assertThat(s).isEqualTo("DENIED: denied by dave: no capacity budget this month"));
        });
        var decided = kafka.await(Topics.APPROVED, r -> r.key().equals(intentId), Duration.ofSeconds(30))
                .value();
        assertThat(decided.getOutcome()).isEqualTo(ApprovalOutcome.DENIED);
        assertThat(kafka.readUntil(Topics.WARRANTS, r -> r.key().equals(intentId), Duration.ofSeconds(3)))
                .as("no warrant for a denied intent")
                .noneMatch(r -> r.key().equals(intentId));
    }

    @Test
    @Order(3)
    void shouldApproveExactlyOnceAcrossARestartOfApprovalService() throws Exception {
        // given a T3 intent with one of its two approvals counted
        String intentId = submitDeploy("carol");
        awaitState(intentId, "PENDING_APPROVAL");
        var alice = operator("alice", "approver");
        var first = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> alice.voteOnWhatIsPending(intentId, "APPROVE", "first look ok"), a -> a.status() != 404);
        assertThat(first.status()).as(first.body().toString()).isEqualTo(202);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        alice.approval(intentId).body().at("/needed/approvals").asInt() == 1);

        // when approval-service is stopped and started again
        stack.restart("approval-service");

        // then it still knows alice's vote, and refuses her second one
        var viewer = operator("vera", "viewer");
        JsonNode state = Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> viewer.approval(intentId), a -> a.status() == 200)
                .body();
        assertThat(state.at("/votes/0/operatorId").asText()).isEqualTo("alice");
        assertThat(alice.voteOnWhatIsPending(intentId, "APPROVE", "again").status())
                .isEqualTo(409);

        // when bob casts the second approval
        assertThat(operator("bob", "approver")
                        .voteOnWhatIsPending(intentId, "APPROVE", "second look ok")
                        .status())
                .isEqualTo(202);

        // then the intent is approved exactly once and its one warrant carries both approvers
        awaitState(intentId, "WARRANTED");
        var decisions = kafka.readUntil(Topics.APPROVED, r -> false, Duration.ofSeconds(5)).stream()
                .filter(r -> r.key().equals(intentId))
                .toList();
        assertThat(decisions).singleElement().satisfies(r -> {
            assertThat(r.value().getOutcome()).isEqualTo(ApprovalOutcome.APPROVED);
            assertThat(r.value().getApprovals())
                    .extracting(a -> a.getOperatorId())
                    .containsExactly("alice", "bob");
        });
        var warrants = kafka.readUntil(Topics.WARRANTS, r -> false, Duration.ofSeconds(3)).stream()
                .filter(r -> r.key().equals(intentId))
                .toList();
        assertThat(warrants)
                .singleElement()
                .satisfies(r -> assertThat(r.value().getApprovedBy()).containsExactly("alice", "bob"));
        assertThat(stack.deadServices()).isEmpty();
    }

    private static JsonNode awaitState(String intentId, String state) {
        return client.awaitState(intentId, Set.of(state), Duration.ofSeconds(90));
    }

    private static List<String> typesOf(JsonNode lifecycle) {
        return lifecycle.get("events").findValuesAsText("type");
    }

    private static List<String> summariesOf(JsonNode lifecycle, String type) {
        List<String> summaries = new ArrayList<>();
        lifecycle.get("events").forEach(e -> {
            if (e.get("type").asText().equals(type)) {
                summaries.add(e.get("summary").asText());
            }
        });
        return summaries;
    }
}
