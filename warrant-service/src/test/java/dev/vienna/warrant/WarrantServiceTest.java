package dev.vienna.warrant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import dev.vienna.sdk.warrant.WarrantVerifier;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.OperatorTokensResource;
import dev.vienna.testing.TestAgents;
import dev.vienna.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
class WarrantServiceTest {

    private static final String SECURITY = "Bearer " + OperatorTokensResource.token("sam", "security");
    private static final String AUDITOR = "Bearer " + OperatorTokensResource.token("ada", "auditor");

    private final KafkaProbe kafka = KafkaBrokerResource.probe();

    @Test
    void shouldPublishThePublicKeysButNoPrivateMaterial() {
        given().get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .contentType("application/jwk-set+json")
                .body("keys.kid", Matchers.contains("vienna-test-1"))
                .body("keys[0].kty", Matchers.equalTo("OKP"))
                .body("keys[0].crv", Matchers.equalTo("Ed25519"))
                .body("keys[0].d", Matchers.nullValue());
    }

    @Test
    void shouldPublishAWarrantThatVerifiesWithThePublicKeyOnly() throws Exception {
        String intentId = UUID.randomUUID().toString();
        kafka.send(Topics.APPROVED, intentId, TestEvents.approved(intentId, "noop", Tier.T0, ExecutionMode.DIRECT));

        var warrant = kafka.await(Topics.WARRANTS, r -> r.key().equals(intentId), Duration.ofSeconds(60))
                .value();
        var action = new ActionRequest(
                warrant.getAgentId(), warrant.getAction(), warrant.getResource(), warrant.getParamsJson());
        // verified with nothing but what the service publishes
        String jwks = given().get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        var verification = new WarrantVerifier(
                        WarrantKeyRing.fromJwks(jwks).keys(), Clock.systemUTC(), Duration.ofSeconds(30))
                .verify(warrant.getToken(), "vienna-executor", action);
        assertThat(verification.valid()).as(verification.detail()).isTrue();
        assertThat(warrant.getKeyId()).isEqualTo("vienna-test-1");
        assertThat(warrant.getParamsJson()).isEqualTo("{\"replicas\":25}");
        assertThat(Duration.between(warrant.getIssuedAt(), warrant.getExpiresAt()))
                .isEqualTo(Duration.ofMinutes(15));
    }

    private static final WarrantKey TEST_SIGNER =
            WarrantKey.ed25519FromPrivate("vienna-test-1", "vI1C1IlrklsUTNYbmndUOeh1QWVg63gKy27qWefafsg");

    private static Map<String, Object> verifyBody(String token, boolean graceful) {
        return Map.of(
                "token",
                token,
                "audience",
                "vienna-executor",
                "agentId",
                "rogue-agent",
                "action",
                "restart_service",
                "resource",
                "api-gateway",
                "params",
                Map.of("graceful", graceful));
    }

    @Test
    void shouldVerifyAWarrantAndRefuseItWithinASecondOfTheKillSwitch() {
        var warrant =
                TestEvents.warrant(UUID.randomUUID().toString(), ExecutionMode.DIRECT, TEST_SIGNER, "rogue-agent");
        given().contentType("application/json")
                .header("Authorization", AUDITOR)
                .body(verifyBody(warrant.getToken(), true))
                .post("/v1/warrants/verify")
                .then()
                .statusCode(200)
                .body("valid", Matchers.equalTo(true))
                .body("claims.warrantId", Matchers.equalTo(warrant.getWarrantId()));
        given().contentType("application/json")
                .header("Authorization", AUDITOR)
                .body(verifyBody(warrant.getToken(), false))
                .post("/v1/warrants/verify")
                .then()
                .statusCode(200)
                .body("valid", Matchers.equalTo(false))
                .body("reason", Matchers.equalTo("ACTION_MISMATCH"));

        given().contentType("application/json")
                .header("Authorization", SECURITY)
                .body(Map.of("reason", "agent misbehaving"))
                .post("/v1/agents/rogue-agent/revoke-warrants")
                .then()
                .statusCode(202)
                .body("scope", Matchers.equalTo("AGENT"))
                .body("revokedBy", Matchers.equalTo("sam"));
        long revokedAt = System.nanoTime();
        // a generous deadline: the behaviour is asserted here, the propagation time only printed
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> given().contentType("application/json")
                        .header("Authorization", AUDITOR)
                        .body(verifyBody(warrant.getToken(), true))
                        .post("/v1/warrants/verify")
                        .then()
                        .body("reason", Matchers.equalTo("REVOKED")));
        System.out.printf(
                "measured: kill switch refused by warrant-service's verifier %d ms after the 202%n",
                Duration.ofNanos(System.nanoTime() - revokedAt).toMillis());
        var record = kafka.await(
                Topics.WARRANT_REVOCATIONS, r -> r.key().equals("agent:rogue-agent"), Duration.ofSeconds(10));
        assertThat(record.value().getRevokedBy())
                .as("from the token, never the body")
                .isEqualTo("sam");
    }

    @Test
    void shouldPublishASingleWarrantRevocationKeyedByTheWarrant() {
        given().contentType("application/json")
                .header("Authorization", SECURITY)
                .body(Map.of("reason", "approved by mistake"))
                .post("/v1/warrants/w-123/revoke")
                .then()
                .statusCode(202);
        var record =
                kafka.await(Topics.WARRANT_REVOCATIONS, r -> r.key().equals("warrant:w-123"), Duration.ofSeconds(10));
        assertThat(record.value().getReason()).isEqualTo("approved by mistake");
        assertThat(record.value().getRevokedBy()).isEqualTo("sam");
    }

    @Test
    void shouldRefuseARevocationWithoutAReasonOrWithABodyNamingItsAuthor() {
        given().contentType("application/json")
                .header("Authorization", SECURITY)
                .body("{}")
                .post("/v1/warrants/w-1/revoke")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", Matchers.hasItems("reason"));
        given().contentType("application/json")
                .header("Authorization", SECURITY)
                .body(Map.of("reason", "r", "revokedBy", "someone-else"))
                .post("/v1/warrants/w-1/revoke")
                .then()
                .statusCode(400)
                .body("detail", Matchers.containsString("unknown field 'revokedBy'"));
    }

    @Test
    void shouldAnswer401WithoutATokenAnd403WithoutTheRole() {
        given().contentType("application/json")
                .body(Map.of("reason", "r"))
                .post("/v1/agents/agent-7/revoke-warrants")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", Matchers.startsWith("Bearer"))
                .contentType("application/problem+json");
        given().contentType("application/json")
                .header("Authorization", AUDITOR)
                .body(Map.of("reason", "r"))
                .post("/v1/agents/agent-7/revoke-warrants")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().contentType("application/json")
                .header("Authorization", "Bearer " + OperatorTokensResource.token("vic", "viewer"))
                .body(verifyBody("x", true))
                .post("/v1/warrants/verify")
                .then()
                .statusCode(403);
        given().get("/.well-known/jwks.json").then().statusCode(200);
    }

    @Test
    void shouldLetATenantScopedOperatorRevokeOnlyWithinItsTenants() {
        String globexOnly = "Bearer " + OperatorTokensResource.tenantToken("gus", List.of("globex"), "security");
        // agent-7 is registered in tenant acme: for a globex operator it does not exist
        given().contentType("application/json")
                .header("Authorization", globexOnly)
                .body(Map.of("reason", "r"))
                .post("/v1/agents/agent-7/revoke-warrants")
                .then()
                .statusCode(404);
        // a single warrant: a scoped operator must present it, and only its own tenant's
        given().contentType("application/json")
                .header("Authorization", globexOnly)
                .body(Map.of("reason", "r"))
                .post("/v1/warrants/w-9/revoke")
                .then()
                .statusCode(403)
                .body("detail", Matchers.containsString("presenting it"));
        var acmeWarrant =
                TestEvents.warrant(UUID.randomUUID().toString(), ExecutionMode.DIRECT, TEST_SIGNER, "agent-7");
        given().contentType("application/json")
                .header("Authorization", globexOnly)
                .body(Map.of("reason", "r", "token", acmeWarrant.getToken()))
                .post("/v1/warrants/" + acmeWarrant.getWarrantId() + "/revoke")
                .then()
                .statusCode(403)
                .body("detail", Matchers.containsString("another tenant"));
        String acmeOnly = "Bearer " + OperatorTokensResource.tenantToken("ann", List.of("acme"), "security");
        given().contentType("application/json")
                .header("Authorization", acmeOnly)
                .body(Map.of("reason", "leaked", "token", acmeWarrant.getToken()))
                .post("/v1/warrants/" + acmeWarrant.getWarrantId() + "/revoke")
                .then()
                .statusCode(202);
        given().contentType("application/json")
                .header("Authorization", acmeOnly)
                .body(Map.of("reason", "leaked", "token", "not-a-warrant"))
                .post("/v1/warrants/" + acmeWarrant.getWarrantId() + "/revoke")
                .then()
                .statusCode(400);
    }

    @Test
    void shouldSignNothingForASuspendedAgentAndRevokeItsWarrants() {
        // given compromised-agent, registered and active, with a warrant issued before anything happened
        var before = TestEvents.warrant(
                UUID.randomUUID().toString(), ExecutionMode.DIRECT, TEST_SIGNER, "compromised-agent");
        // when it is suspended
        Instant suspendedAt = Instant.now();
        kafka.send(
                Topics.AGENTS,
                "compromised-agent",
                TestAgents.get("compromised-agent").suspended("leaked credentials", suspendedAt));
        // then warrant-service revokes every warrant it was issued up to the suspension, attributed to who suspended
        var revocation = kafka.await(
                        Topics.WARRANT_REVOCATIONS,
                        r -> r.key().equals("agent:compromised-agent")
                                && r.value().getReason().contains("leaked credentials"),
                        Duration.ofSeconds(30))
                .value();
        assertThat(revocation.getRevokedBy()).isEqualTo("test-admin");
        assertThat(revocation.getRevokedBefore()).isEqualTo(suspendedAt.truncatedTo(ChronoUnit.MILLIS));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().contentType("application/json")
                        .header("Authorization", AUDITOR)
                        .body(Map.of(
                                "token", before.getToken(),
                                "audience", "vienna-executor",
                                "agentId", "compromised-agent",
                                "action", "restart_service",
                                "resource", "api-gateway",
                                "params", Map.of("graceful", true)))
                        .post("/v1/warrants/verify")
                        .then()
                        .body("reason", Matchers.equalTo("REVOKED")));
        // and an approval for it, held or automatic, gets no warrant: the approval is dead-lettered with the reason
        String intentId = UUID.randomUUID().toString();
        var decided = TestEvents.approved(intentId, "noop", Tier.T0, ExecutionMode.DIRECT);
        decided.getIntent().setAgentId("compromised-agent");
        kafka.send(Topics.APPROVED, intentId, decided);
        var dead = kafka
                .readRawUntil(
                        Topics.DEAD_LETTER.name(),
                        r -> new String(r.key(), StandardCharsets.UTF_8).equals(intentId),
                        Duration.ofSeconds(30))
                .stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(intentId))
                .findFirst()
                .orElseThrow();
        assertThat(DeadLetterHeaders.read(dead.headers(), DeadLetterHeaders.REASON))
                .isEqualTo("no warrant: agent compromised-agent is suspended: leaked credentials");
        assertThat(kafka.readUntil(Topics.WARRANTS, r -> r.key().equals(intentId), Duration.ofSeconds(3)))
                .noneMatch(r -> r.key().equals(intentId));
    }
}
