package dev.vienna.approval;

import static dev.vienna.testing.OperatorTokensResource.tenantToken;
import static dev.vienna.testing.OperatorTokensResource.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.vienna.events.Approval;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.VoteDecision;
import dev.vienna.issuer.LocalOperatorIssuer;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.OperatorTokensResource;
import dev.vienna.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
class ApprovalServiceTest {

    private final KafkaProbe kafka = KafkaBrokerResource.probe();

    private static RequestSpecification as(String operator, String... roles) {
        return given().auth().oauth2(token(operator, roles));
    }

    /** Publishes a policy decision and waits until the service holds it. */
    private IntentTiered held(Tier tier, String owner) {
        String intentId = UUID.randomUUID().toString();
        IntentTiered tiered = TestEvents.tiered(
                intentId, tier == Tier.T3 ? "deploy_production" : "scale_kubernetes_deployment", tier);
        tiered.getIntent().setOwner(owner);
        kafka.send(Topics.TIERED, intentId, tiered);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> as("vera", "viewer")
                        .get("/v1/approvals/" + intentId)
                        .then()
                        .statusCode(200));
        return tiered;
    }

    private static Map<String, Object> vote(VoteDecision decision, String reason, String digest) {
        return reason == null
                ? Map.of("decision", decision, "actionDigest", digest)
                : Map.of("decision", decision, "reason", reason, "actionDigest", digest);
    }

    @Test
    void shouldApproveT1OnTheBrokerAndListT3AsPendingWithWhatIsStillNeeded() {
        String t1 = UUID.randomUUID().toString();
        kafka.send(Topics.TIERED, t1, TestEvents.tiered(t1, "restart_service", Tier.T1));
        IntentTiered t3 = held(Tier.T3, null);
        String digest = TestEvents.digestOf(t3.getIntent());

        var approved = kafka.await(Topics.APPROVED, r -> r.key().equals(t1), Duration.ofSeconds(60))
                .value();
        assertThat(approved.getOutcome()).isEqualTo(ApprovalOutcome.APPROVED);

        String find = "find { it.intentId == '" + t3.getIntentId() + "' }";
        as("vera", "viewer")
                .get("/v1/approvals/pending")
                .then()
                .statusCode(200)
                .body("intentId", hasItem(t3.getIntentId()))
                .body("intentId", not(hasItem(t1)));
        as("vera", "viewer")
                .get("/v1/approvals/pending?tier=T3")
                .then()
                .statusCode(200)
                .body(find + ".status", equalTo("PENDING"))
                .body(find + ".policy.requiredApprovals", equalTo(2))
                .body(find + ".policy.reasons", hasItem("test"))
                .body(find + ".params.replicas", equalTo(25))
                .body(find + ".actionDigest", equalTo(digest))
                .body(find + ".needed.approvals", equalTo(2))
                .body(find + ".needed.reasonRequired", equalTo(true))
                .body(
                        find + ".deadline",
                        equalTo(t3.getOccurredAt().plus(Duration.ofHours(4)).toString()));
        as("alice", "approver")
                .get("/v1/approvals/pending?tier=T1")
                .then()
                .statusCode(200)
                .body("intentId", not(hasItem(t3.getIntentId())));
    }

    @Test
    void shouldShowAnAutomaticDecisionAndRefuseAVoteOnItWith409() {
        // given a T1 intent the policy lets through alone, and one it denied
        String t1 = UUID.randomUUID().toString();
        IntentTiered allowed = TestEvents.tiered(t1, "restart_service", Tier.T1);
        kafka.send(Topics.TIERED, t1, allowed);
        String denied = UUID.randomUUID().toString();
        IntentTiered refused = TestEvents.tiered(denied, "scale_kubernetes_deployment", Tier.T2);
        refused.setDecision(PolicyDecision.DENY);
        refused.setReasons(List.of("replicas_cap does not hold"));
        kafka.send(Topics.TIERED, denied, refused);

        // then both are decided at once, kept as decided, and shown as such
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> as("vera", "viewer")
                        .get("/v1/approvals/" + t1)
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("APPROVED"))
                        .body("decision.outcome", equalTo("APPROVED")));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> as("vera", "viewer")
                        .get("/v1/approvals/" + denied)
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("DENIED")));
        // and a vote on either is too late: 409, not 404
        for (IntentTiered decided : List.of(allowed, refused)) {
            as("alice", "approver")
                    .contentType("application/json")
                    .body(vote(VoteDecision.DENY, "too late", TestEvents.digestOf(decided.getIntent())))
                    .post("/v1/approvals/" + decided.getIntentId() + "/votes")
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("title", equalTo("Intent already decided"));
        }
        as("vera", "viewer").get("/v1/approvals/pending").then().statusCode(200).body("intentId", not(hasItem(t1)));
    }

    @Test
    void shouldHideAnotherTenantsIntentsFromAnApproverLimitedToItsTenants() {
        // given an acme intent held for operators
        IntentTiered t2 = held(Tier.T2, null);
        String intentId = t2.getIntentId();
        String globexOnly = tenantToken("gus", List.of("globex"), "approver");

        // then for an approver limited to globex it does not exist: not pending, 404 to read and to vote on
        given().auth()
                .oauth2(globexOnly)
                .get("/v1/approvals/pending")
                .then()
                .statusCode(200)
                .body("intentId", not(hasItem(intentId)));
        given().auth()
                .oauth2(globexOnly)
                .get("/v1/approvals/" + intentId)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Unknown intent"));
        given().auth()
                .oauth2(globexOnly)
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, "looks fine", TestEvents.digestOf(t2.getIntent())))
                .post("/v1/approvals/" + intentId + "/votes")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Unknown intent"));

        // while an approver limited to acme sees and reads it
        String acmeOnly = tenantToken("ann", List.of("acme"), "approver");
        given().auth()
                .oauth2(acmeOnly)
                .get("/v1/approvals/pending")
                .then()
                .statusCode(200)
                .body("intentId", hasItem(intentId));
        given().auth()
                .oauth2(acmeOnly)
                .get("/v1/approvals/" + intentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));
        // and the globex approver's vote was never published: the only vote on the intent is the one cast now
        given().auth()
                .oauth2(acmeOnly)
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, "reviewed", TestEvents.digestOf(t2.getIntent())))
                .post("/v1/approvals/" + intentId + "/votes")
                .then()
                .statusCode(202);
        var votes = kafka.readUntil(
                Topics.APPROVAL_VOTES,
                r -> r.key().equals(intentId) && r.value().getOperatorId().equals("ann"),
                Duration.ofSeconds(30));
        assertThat(votes)
                .filteredOn(r -> r.key().equals(intentId))
                .extracting(r -> r.value().getOperatorId())
                .containsExactly("ann");
    }

    @Test
    void shouldPublishAVoteBeforeAnswering202AndDecideOnceTheQuorumIsReached() {
        IntentTiered t3 = held(Tier.T3, "carol");
        String intentId = t3.getIntentId();
        String digest = as("vera", "viewer")
                .get("/v1/approvals/" + intentId)
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"))
                .body("owner", equalTo("carol"))
                .extract()
                .path("actionDigest");
        assertThat(digest).isEqualTo(TestEvents.digestOf(t3.getIntent()));

        // when alice approves, the vote is on approval-votes, keyed by the intent, before the 202
        as("alice", "approver")
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, "reviewed the rollout", digest))
                .post("/v1/approvals/" + intentId + "/votes")
                .then()
                .statusCode(202)
                .body("status", equalTo("RECORDED"))
                .body("operatorId", equalTo("alice"));
        var cast = kafka.await(Topics.APPROVAL_VOTES, r -> r.key().equals(intentId), Duration.ofSeconds(5))
                .value();
        assertThat(cast.getOperatorId()).isEqualTo("alice");
        assertThat(cast.getRoles()).containsExactly("approver");
        assertThat(cast.getActionDigest()).isEqualTo(digest);
        assertThat(cast.getTenantId()).isEqualTo("acme");

        // then her second vote is refused, and once counted the intent shows it
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> as("vera", "viewer")
                        .get("/v1/approvals/" + intentId)
                        .then()
                        .body("votes.operatorId", equalTo(List.of("alice")))
                        .body("needed.approvals", equalTo(1)));
        as("alice", "approver")
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, "again", digest))
                .post("/v1/approvals/" + intentId + "/votes")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Operator already voted"));

        // when bob approves too, the intent is APPROVED with both
        as("bob", "approver", "viewer")
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, "rollback plan ok", digest))
                .post("/v1/approvals/" + intentId + "/votes")
                .then()
                .statusCode(202);
        var decided = kafka.await(Topics.APPROVED, r -> r.key().equals(intentId), Duration.ofSeconds(60))
                .value();
        assertThat(decided.getOutcome()).isEqualTo(ApprovalOutcome.APPROVED);
        assertThat(decided.getApprovals()).extracting(Approval::getOperatorId).containsExactly("alice", "bob");
        assertThat(decided.getApprovals())
                .extracting(Approval::getReason)
                .containsExactly("reviewed the rollout", "rollback plan ok");

        // and a vote after the decision is refused with 409
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> as("vera", "viewer")
                        .get("/v1/approvals/" + intentId)
                        .then()
                        .body("status", equalTo("APPROVED")));
        as("dave", "approver")
                .contentType("application/json")
                .body(vote(VoteDecision.DENY, "too late", digest))
                .post("/v1/approvals/" + intentId + "/votes")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Intent already decided"));
    }

    @Test
    void shouldDescribeTheApiWithItsSecuritySchemeAndProblemResponses() {
        given().accept("application/json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("components.securitySchemes.operator.scheme", equalTo("bearer"))
                .body("components.securitySchemes.operator.bearerFormat", equalTo("JWT"))
                .body("paths.'/v1/approvals/{intentId}/votes'.post.security[0]", Matchers.hasKey("operator"))
                .body(
                        "paths.'/v1/approvals/{intentId}/votes'.post.responses.'409'.content.'application/problem+json'"
                                + ".schema.'$ref'",
                        equalTo("#/components/schemas/Problem"))
                .body("paths.'/v1/approvals/pending'.get.responses", Matchers.hasKey("default"))
                .body(
                        "paths.'/v1/approvals/pending'.get.responses.'403'.description",
                        Matchers.allOf(containsString("viewer"), containsString("approver")))
                .body(
                        "paths.'/v1/approvals/{intentId}/votes'.post.responses.'403'.description",
                        containsString("approver"))
                .body("components.schemas.Problem.required", hasItem("status"));
    }

    @Test
    void shouldLetAGroupMappedToTheApproverRoleVote() {
        IntentTiered t2 = held(Tier.T2, null);
        as("olga", "opslead")
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, null, TestEvents.digestOf(t2.getIntent())))
                .post("/v1/approvals/" + t2.getIntentId() + "/votes")
                .then()
                .statusCode(202);
        var cast = kafka.await(Topics.APPROVAL_VOTES, r -> r.key().equals(t2.getIntentId()), Duration.ofSeconds(5))
                .value();
        assertThat(cast.getRoles()).contains("approver", "opslead");
        var decided = kafka.await(Topics.APPROVED, r -> r.key().equals(t2.getIntentId()), Duration.ofSeconds(60))
                .value();
        assertThat(decided.getApprovals()).extracting(Approval::getOperatorId).containsExactly("olga");
    }

    @Test
    void shouldRefuseAVoteOnAnotherActionWith409() {
        IntentTiered t2 = held(Tier.T2, null);
        var changed = TestEvents.intent("scale_kubernetes_deployment");
        changed.setParamsJson("{\"replicas\":250}");
        as("alice", "approver")
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, null, TestEvents.digestOf(changed)))
                .post("/v1/approvals/" + t2.getIntentId() + "/votes")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Vote for another action"))
                .body("detail", containsString(TestEvents.digestOf(t2.getIntent())));
    }

    @Test
    void shouldRequireAReasonOnAT3VoteWith422() {
        IntentTiered t3 = held(Tier.T3, null);
        as("alice", "approver")
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, null, TestEvents.digestOf(t3.getIntent())))
                .post("/v1/approvals/" + t3.getIntentId() + "/votes")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("title", equalTo("Reason required"));
    }

    @Test
    void shouldRefuseTheOwnersOwnVoteWith403() {
        IntentTiered t2 = held(Tier.T2, "carol");
        as("carol", "approver")
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, "mine", TestEvents.digestOf(t2.getIntent())))
                .post("/v1/approvals/" + t2.getIntentId() + "/votes")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("title", equalTo("Separation of duties"));
    }

    @Test
    void shouldAnswer404ForAnUnknownIntentAnd400ForAnIncompleteVote() {
        as("alice", "approver")
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, "x", "abc"))
                .post("/v1/approvals/" + UUID.randomUUID() + "/votes")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Unknown intent"));
        as("vera", "viewer")
                .get("/v1/approvals/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        as("alice", "approver")
                .contentType("application/json")
                .body("{\"reason\":\"yes\"}")
                .post("/v1/approvals/" + UUID.randomUUID() + "/votes")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("decision"))
                .body("errors.field", hasItem("actionDigest"));
        as("alice", "approver")
                .contentType("application/json")
                .body("{\"decision\":\"MAYBE\",\"actionDigest\":\"x\"}")
                .post("/v1/approvals/" + UUID.randomUUID() + "/votes")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void shouldAnswer401ProblemJsonWithoutAToken() {
        given().get("/v1/approvals/pending")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("title", equalTo("Unauthorized"))
                .body("status", equalTo(401))
                .body("instance", equalTo("/v1/approvals/pending"));
        given().contentType("application/json")
                .body(vote(VoteDecision.APPROVE, "x", "y"))
                .post("/v1/approvals/any/votes")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void shouldAnswer401ToTokensTheServiceDoesNotTrust() {
        Instant now = Instant.now();
        var issuer = OperatorTokensResource.ISSUER;
        List<String> roles = List.of("approver");
        String[] untrusted = {
            LocalOperatorIssuer.generate().token("mallory", Duration.ofMinutes(5), roles), // another key
            issuer.token(
                    "mallory",
                    roles,
                    "https://elsewhere.example",
                    LocalOperatorIssuer.AUDIENCE,
                    now,
                    Duration.ofMinutes(5)), // another issuer
            issuer.token(
                    "mallory",
                    roles,
                    LocalOperatorIssuer.ISSUER,
                    "another-service",
                    now,
                    Duration.ofMinutes(5)), // another audience
            issuer.token(
                    "mallory",
                    roles,
                    LocalOperatorIssuer.ISSUER,
                    LocalOperatorIssuer.AUDIENCE,
                    now.minusSeconds(3600),
                    Duration.ofMinutes(5)), // expired
            "not-a-jwt"
        };
        for (String token : untrusted) {
            given().auth()
                    .oauth2(token)
                    .get("/v1/approvals/pending")
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .body("title", equalTo("Unauthorized"));
        }
    }

    @Test
    void shouldAnswer403ProblemJsonForTheWrongRole() {
        as("vera", "viewer")
                .contentType("application/json")
                .body(vote(VoteDecision.APPROVE, "x", "y"))
                .post("/v1/approvals/any/votes")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("title", equalTo("Forbidden"));
        as("nobody").get("/v1/approvals/pending").then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void shouldRejectAnUnknownTierFilterWithProblemJson() {
        as("vera", "viewer")
                .get("/v1/approvals/pending?tier=T9")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Invalid tier"));
    }

    @Test
    void shouldKeepHealthAndMetricsOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
