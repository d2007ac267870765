package dev.vienna.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.vienna.events.AgentChange;
import dev.vienna.events.AgentStatus;
import dev.vienna.events.Topics;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.OperatorTokensResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Operators register, suspend, resume and rotate agents; each change is the agent's whole entry on `agents`. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
class AgentRegistryApiTest {

    private final KafkaProbe kafka = KafkaBrokerResource.probe();

    private static RequestSpecification operator(String name, String... roles) {
        return given().contentType("application/json")
                .header("Authorization", "Bearer " + OperatorTokensResource.token(name, roles));
    }

    private static String publicKey() {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(WarrantKey.generateEd25519("k").publicKey());
    }

    private static Map<String, Object> registration(String agentId, String tenant) {
        return Map.of("agentId", agentId, "tenantId", tenant, "owners", List.of("olivia"), "publicKey", publicKey());
    }

    private static String submitWith(String apiKey, int expectedStatus) {
        return given().contentType("application/json")
                .header("Authorization", "Bearer " + apiKey)
                .body("{\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(expectedStatus)
                .extract()
                .asString();
    }

    @Test
    void shouldRegisterAnAgentWhoseKeyWorksAtOnceAndIsShownOnlyOnce() {
        String agentId = "new-agent-" + UUID.randomUUID().toString().substring(0, 8);
        // when an admin registers it
        String apiKey = operator("ada", "admin")
                .body(registration(agentId, "acme"))
                .post("/v1/agents")
                .then()
                .statusCode(201)
                .body("agentId", equalTo(agentId))
                .body("status", equalTo("ACTIVE"))
                .body("owners", equalTo(List.of("olivia")))
                .body("changedBy", equalTo("ada"))
                .body("apiKey", startsWith("vak_"))
                .extract()
                .path("apiKey");
        // then the key submits intents as that agent, for its owner
        submitWith(apiKey, 202);
        // and the registry never shows the key or its hash again
        String listed = operator("vic", "viewer")
                .get("/v1/agents/" + agentId)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(listed).doesNotContain(apiKey).doesNotContain("sha256");
        // the entry on agents keeps only the hash
        var entry = kafka.await(Topics.AGENTS, r -> r.key().equals(agentId), Duration.ofSeconds(10))
                .value();
        assertThat(entry.getChange()).isEqualTo(AgentChange.REGISTERED);
        assertThat(entry.getApiKeys())
                .singleElement()
                .satisfies(k -> assertThat(k.getSha256()).hasSize(64).isNotEqualTo(apiKey));
        operator("ada", "admin")
                .body(registration(agentId, "acme"))
                .post("/v1/agents")
                .then()
                .statusCode(409);
    }

    @Test
    void shouldSuspendAndResumeWithTheReasonAndTheOperatorOfTheToken() {
        String agentId = "susp-agent-" + UUID.randomUUID().toString().substring(0, 8);
        String apiKey = operator("ada", "admin")
                .body(registration(agentId, "acme"))
                .post("/v1/agents")
                .then()
                .statusCode(201)
                .extract()
                .path("apiKey");
        operator("sam", "security")
                .body(Map.of("reason", "prompt injection seen"))
                .post("/v1/agents/" + agentId + "/suspend")
                .then()
                .statusCode(200)
                .body("status", equalTo("SUSPENDED"))
                .body("changedBy", equalTo("sam"))
                .body("suspendedAt", not(nullValue()));
        String refused = submitWith(apiKey, 403);
        assertThat(refused).contains("suspended").contains("prompt injection seen");
        var suspended = kafka.await(
                        Topics.AGENTS,
                        r -> r.key().equals(agentId) && r.value().getStatus() == AgentStatus.SUSPENDED,
                        Duration.ofSeconds(10))
                .value();
        assertThat(suspended.getSuspendedAt()).isNotNull();
        operator("sam", "security")
                .body(Map.of("reason", "cleared"))
                .post("/v1/agents/" + agentId + "/resume")
                .then()
                .statusCode(200)
                .body("status", equalTo("ACTIVE"));
        submitWith(apiKey, 202);
        // a suspension needs a reason
        operator("sam", "security")
                .body("{}")
                .post("/v1/agents/" + agentId + "/suspend")
                .then()
                .statusCode(400);
    }

    @Test
    void shouldRotateApiKeysTheRevokedOneAuthenticatingNothing() {
        String agentId = "rot-agent-" + UUID.randomUUID().toString().substring(0, 8);
        String first = operator("ada", "admin")
                .body(registration(agentId, "acme"))
                .post("/v1/agents")
                .then()
                .statusCode(201)
                .extract()
                .path("apiKey");
        var added = operator("ada", "admin")
                .post("/v1/agents/" + agentId + "/api-keys")
                .then()
                .statusCode(201);
        String second = added.extract().path("apiKey");
        String firstId = first.substring(4, 16);
        submitWith(second, 202);
        operator("sam", "security")
                .delete("/v1/agents/" + agentId + "/api-keys/" + firstId)
                .then()
                .statusCode(200);
        submitWith(first, 401);
        submitWith(second, 202);
    }

    @Test
    void shouldAnswerEachRoleAndTenantWithWhatItMayDo() {
        given().contentType("application/json")
                .body(registration("x1", "acme"))
                .post("/v1/agents")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
        operator("vic", "viewer")
                .body(registration("x2", "acme"))
                .post("/v1/agents")
                .then()
                .statusCode(403);
        operator("sam", "security")
                .body(registration("x3", "acme"))
                .post("/v1/agents")
                .then()
                .statusCode(403);
        operator("vic", "viewer")
                .body(Map.of("reason", "r"))
                .post("/v1/agents/agent-7/suspend")
                .then()
                .statusCode(403);
        // an agent's own key reads nothing of the registry
        given().header(
                        "Authorization",
                        "Bearer " + dev.vienna.testing.TestAgents.get("agent-7").bearer())
                .get("/v1/agents")
                .then()
                .statusCode(403);
        // a globex-only admin registers only in globex, and does not see acme's agents
        var globexAdmin = given().contentType("application/json")
                .header(
                        "Authorization",
                        "Bearer " + OperatorTokensResource.tenantToken("gil", List.of("globex"), "admin", "viewer"));
        globexAdmin.body(registration("x4", "acme")).post("/v1/agents").then().statusCode(403);
        given().header(
                        "Authorization",
                        "Bearer " + OperatorTokensResource.tenantToken("gil", List.of("globex"), "viewer"))
                .get("/v1/agents")
                .then()
                .statusCode(200)
                .body("agentId", hasItem("globex-agent"))
                .body("agentId", not(hasItem("agent-7")));
        given().header(
                        "Authorization",
                        "Bearer " + OperatorTokensResource.tenantToken("gil", List.of("globex"), "security"))
                .contentType("application/json")
                .body(Map.of("reason", "r"))
                .post("/v1/agents/agent-7/suspend")
                .then()
                .statusCode(404);
    }

    @Test
    void shouldRefuseAnInvalidRegistrationFieldByField() {
        operator("ada", "admin")
                .body(Map.of("agentId", "bad id", "tenantId", "acme", "owners", List.of(), "publicKey", "short"))
                .post("/v1/agents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("agentId"))
                .body("errors.field", hasItem("owners"))
                .body("errors.field", hasItem("publicKey"))
                .body("errors.message", hasItem(containsString("Ed25519")));
    }

    @Test
    void shouldRefuseAnAgentIdThatCouldNotBeAddressedOrKeyed() {
        // a slash would make /v1/agents/{agentId} unreachable; a colon makes agentId-1 no key id
        operator("ada", "admin")
                .body(registration("team/bot", "acme"))
                .post("/v1/agents")
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("agentId")));
        operator("ada", "admin")
                .body(registration("svc:bot", "acme"))
                .post("/v1/agents")
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("signingKeyId")));
    }
}
