package dev.vienna.warrant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import dev.vienna.sdk.warrant.WarrantVerifier;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
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
                .body(verifyBody(warrant.getToken(), true))
                .post("/v1/warrants/verify")
                .then()
                .statusCode(200)
                .body("valid", Matchers.equalTo(true))
                .body("claims.warrantId", Matchers.equalTo(warrant.getWarrantId()));
        given().contentType("application/json")
                .body(verifyBody(warrant.getToken(), false))
                .post("/v1/warrants/verify")
                .then()
                .statusCode(200)
                .body("valid", Matchers.equalTo(false))
                .body("reason", Matchers.equalTo("ACTION_MISMATCH"));

        given().contentType("application/json")
                .body(Map.of("reason", "agent misbehaving", "revokedBy", "alice@acme.com"))
                .post("/v1/agents/rogue-agent/revoke-warrants")
                .then()
                .statusCode(202)
                .body("scope", Matchers.equalTo("AGENT"));
        long revokedAt = System.nanoTime();
        // a generous deadline: the behaviour is asserted here, the propagation time only printed
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> given().contentType("application/json")
                        .body(verifyBody(warrant.getToken(), true))
                        .post("/v1/warrants/verify")
                        .then()
                        .body("reason", Matchers.equalTo("REVOKED")));
        System.out.printf(
                "measured: kill switch refused by warrant-service's verifier %d ms after the 202%n",
                Duration.ofNanos(System.nanoTime() - revokedAt).toMillis());
        var record = kafka.await(
                Topics.WARRANT_REVOCATIONS, r -> r.key().equals("agent:rogue-agent"), Duration.ofSeconds(10));
        assertThat(record.value().getRevokedBy()).isEqualTo("alice@acme.com");
    }

    @Test
    void shouldPublishASingleWarrantRevocationKeyedByTheWarrant() {
        given().contentType("application/json")
                .body(Map.of("reason", "approved by mistake", "revokedBy", "bob"))
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
                .body("errors.field", Matchers.hasItems("reason", "revokedBy"));
    }
}
