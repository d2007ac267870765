package dev.vienna.warrant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.kafka.local.KafkaBrokerResource;
import dev.vienna.kafka.local.KafkaProbe;
import dev.vienna.kafka.local.TestEvents;
import dev.vienna.sdk.ActionRequest;
import dev.vienna.sdk.WarrantKeyRing;
import dev.vienna.sdk.WarrantVerifier;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class WarrantServiceTest {

    private final KafkaProbe kafka = new KafkaProbe(KafkaBrokerResource.broker().bootstrapServers());

    @Test
    void shouldPublishThePublicKeysButNoPrivateMaterial() {
        given().get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .contentType("application/jwk-set+json")
                .body("keys.kid", org.hamcrest.Matchers.contains("vienna-test-1"))
                .body("keys[0].kty", org.hamcrest.Matchers.equalTo("OKP"))
                .body("keys[0].crv", org.hamcrest.Matchers.equalTo("Ed25519"))
                .body("keys[0].d", org.hamcrest.Matchers.nullValue());
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

    private static final dev.vienna.sdk.WarrantKey TEST_SIGNER = dev.vienna.sdk.WarrantKey.ed25519FromPrivate(
            "vienna-test-1", "vI1C1IlrklsUTNYbmndUOeh1QWVg63gKy27qWefafsg");

    private static java.util.Map<String, Object> verifyBody(String token, boolean graceful) {
        return java.util.Map.of(
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
                java.util.Map.of("graceful", graceful));
    }

    @Test
    void shouldVerifyAWarrantAndRefuseItWithinASecondOfTheKillSwitch() {
        var warrant =
                TestEvents.warrant(UUID.randomUUID().toString(), ExecutionMode.DIRECT, TEST_SIGNER, "rogue-agent");
        given().contentType("application/json")
                .body(verifyBody(warrant.getToken(), true))
                .post("/v1/warrants/verify")
                .then()
                .statusCode(200)
                .body("valid", org.hamcrest.Matchers.equalTo(true))
                .body("claims.warrantId", org.hamcrest.Matchers.equalTo(warrant.getWarrantId()));
        given().contentType("application/json")
                .body(verifyBody(warrant.getToken(), false))
                .post("/v1/warrants/verify")
                .then()
                .statusCode(200)
                .body("valid", org.hamcrest.Matchers.equalTo(false))
                .body("reason", org.hamcrest.Matchers.equalTo("ACTION_MISMATCH"));

        given().contentType("application/json")
                .body(java.util.Map.of("reason", "agent misbehaving", "revokedBy", "alice@acme.com"))
                .post("/v1/agents/rogue-agent/revoke-warrants")
                .then()
                .statusCode(202)
                .body("scope", org.hamcrest.Matchers.equalTo("AGENT"));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> given().contentType("application/json")
                        .body(verifyBody(warrant.getToken(), true))
                        .post("/v1/warrants/verify")
                        .then()
                        .body("reason", org.hamcrest.Matchers.equalTo("REVOKED")));
        var record = kafka.await(
                Topics.WARRANT_REVOCATIONS, r -> r.key().equals("agent:rogue-agent"), Duration.ofSeconds(10));
        assertThat(record.value().getRevokedBy()).isEqualTo("alice@acme.com");
    }

    @Test
    void shouldPublishASingleWarrantRevocationKeyedByTheWarrant() {
        given().contentType("application/json")
                .body(java.util.Map.of("reason", "approved by mistake", "revokedBy", "bob"))
                .post("/v1/warrants/w-123/revoke")
                .then()
                .statusCode(202);
        var record =
                kafka.await(Topics.WARRANT_REVOCATIONS, r -> r.key().equals("warrant:w-123"), Duration.ofSeconds(10));
        assertThat(record.value().getReason()).isEqualTo("approved by mistake");
    }

    @Test
    void shouldRefuseARevocationWithoutReasonOrAuthor() {
        given().contentType("application/json")
                .body("{}")
                .post("/v1/warrants/w-1/revoke")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.hasItems("reason", "revokedBy"));
    }
}
