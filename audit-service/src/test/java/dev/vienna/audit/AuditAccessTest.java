package dev.vienna.audit;

import static dev.vienna.testing.OperatorTokensResource.tenantToken;
import static dev.vienna.testing.OperatorTokensResource.token;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import dev.vienna.events.Topics;
import dev.vienna.issuer.LocalOperatorIssuer;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.OperatorTokensResource;
import dev.vienna.testing.TestAgents;
import dev.vienna.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/**
 * Who may read an intent's lifecycle: auditors within their tenants, agents their own intents only. TestEvents' intents
 * are agent-7's, in tenant acme.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
class AuditAccessTest {

    private static final String AUDITOR = token("ada", "auditor");

    private final KafkaProbe kafka = KafkaBrokerResource.probe();

    private static RequestSpecification with(String bearer) {
        return given().auth().oauth2(bearer);
    }

    /** An intent of agent-7 in tenant acme, once audit-service serves its lifecycle. */
    private String auditedIntentOfAgent7() {
        // ready: the topology runs and the agent registry is read to its end
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        String intentId = UUID.randomUUID().toString();
        kafka.send(Topics.INTENTS, intentId, TestEvents.accepted(intentId, "noop"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> with(AUDITOR)
                        .get("/v1/intents/" + intentId)
                        .then()
                        .statusCode(200)
                        .body("agentId", equalTo("agent-7")));
        return intentId;
    }

    @Test
    void shouldAnswer401WithoutACredentialAnd403ToAnOperatorWithoutAReadingRole() {
        String intentId = auditedIntentOfAgent7();
        given().get("/v1/intents/" + intentId)
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json")
                .body("title", equalTo("Unauthorized"))
                .body("instance", equalTo("/v1/intents/" + intentId));
        with(token("sam", "security"))
                .get("/v1/intents/" + intentId)
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("title", equalTo("Forbidden"));
        // a viewer follows the intent, but its evidence is for auditors
        with(token("vera", "viewer"))
                .get("/v1/intents/" + intentId + "/evidence")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("title", equalTo("Forbidden"));
        // an operator's token whose groups say "agent" is not an agent: only an agent's API key is
        with(token("agent-7", "agent"))
                .get("/v1/intents/" + intentId)
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", Matchers.containsString("auditor"));
    }

    @Test
    void shouldLetAnAuditorReadTheIntentsOfItsTenantsOnly() {
        String intentId = auditedIntentOfAgent7();
        with(AUDITOR)
                .get("/v1/intents/" + intentId)
                .then()
                .statusCode(200)
                .body("tenantId", equalTo("acme"))
                .body("state", equalTo("SUBMITTED"))
                .body("events.type", hasItem("IntentAccepted"));
        with(tenantToken("ann", List.of("acme"), "auditor"))
                .get("/v1/intents/" + intentId)
                .then()
                .statusCode(200)
                .body("intentId", equalTo(intentId));
        // for an auditor of globex only, an acme intent does not exist: the same 404 as an unknown one
        with(tenantToken("gus", List.of("globex"), "auditor"))
                .get("/v1/intents/" + intentId)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Unknown intent"));
    }

    @Test
    void shouldLetAnAgentReadItsOwnIntentsOnly() {
        String intentId = auditedIntentOfAgent7();
        with(TestAgents.get("agent-7").bearer())
                .get("/v1/intents/" + intentId)
                .then()
                .statusCode(200)
                .body("intentId", equalTo(intentId))
                .body("agentId", equalTo("agent-7"))
                .body("events.type", hasItem("IntentAccepted"));
        // another tenant's agent, and another agent of the same tenant: as if unknown
        for (String other : List.of("globex-agent", "infra-optimizer")) {
            with(TestAgents.get(other).bearer())
                    .get("/v1/intents/" + intentId)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("title", equalTo("Unknown intent"));
        }
        with(TestAgents.get("agent-7").bearer())
                .get("/v1/intents/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void shouldAnswer401ToAnUnknownApiKeyAWrongSecretAndAForgedToken() {
        String intentId = auditedIntentOfAgent7();
        var agent7 = TestAgents.get("agent-7");
        String[] refused = {
            "vak_aaaaaaaaaaaa_" + "A".repeat(43), // well-formed, no agent has this key id
            "vak_" + agent7.apiKey().keyId() + "_" + "A".repeat(43), // agent-7's key id, another secret
            LocalOperatorIssuer.generate().token("mallory", Duration.ofMinutes(5), List.of("auditor")) // another key
        };
        for (String credential : refused) {
            with(credential)
                    .get("/v1/intents/" + intentId)
                    .then()
                    .statusCode(401)
                    .header("WWW-Authenticate", startsWith("Bearer"))
                    .contentType("application/problem+json")
                    .body("title", equalTo("Unauthorized"));
        }
    }

    @Test
    void shouldRefuseASuspendedAgentWith403() {
        String intentId = UUID.randomUUID().toString();
        var compromised = TestAgents.get("compromised-agent");
        kafka.send(Topics.AGENTS, compromised.agentId(), compromised.suspended("leaked key", Instant.now()));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> with(compromised.bearer())
                        .get("/v1/intents/" + intentId)
                        .then()
                        .statusCode(403)
                        .contentType("application/problem+json")
                        .body("title", equalTo("Agent suspended"))
                        .body("detail", Matchers.containsString("leaked key")));
    }

    @Test
    void shouldDescribeTheTimelineApiWithBothSchemesAndTheRoles() {
        given().accept("application/json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                // either scheme: an operator's JWT or an agent's API key
                .body(
                        "paths.'/v1/intents/{intentId}'.get.security.collect { it.keySet() }.flatten()",
                        Matchers.hasItems("operator", "agentKey"))
                .body(
                        "paths.'/v1/intents/{intentId}'.get.responses.'403'.description",
                        Matchers.containsString("auditor"))
                .body("paths.'/v1/intents/{intentId}'.get.responses", Matchers.hasKey("401"));
    }
}
