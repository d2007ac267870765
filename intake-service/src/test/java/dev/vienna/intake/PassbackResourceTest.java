package dev.vienna.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.warrant.ExecutionReport;
import dev.vienna.sdk.warrant.ExecutionReports;
import dev.vienna.sdk.warrant.PossessionProofs;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.OperatorTokensResource;
import dev.vienna.testing.TestAgents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The agent side of passback over HTTP, on the real broker: warrants handed out, claimed once, reports checked. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
class PassbackResourceTest {

    private static final WarrantKey WARRANT_SIGNER = WarrantKey.generateEd25519("warrant-test");
    private final KafkaProbe kafka = KafkaBrokerResource.probe();

    private static RequestSpecification as(String agentId) {
        return given().contentType("application/json")
                .header("Authorization", "Bearer " + TestAgents.get(agentId).bearer());
    }

    /** A PASSBACK warrant of agent-7 bound to its registered key, published on warrants. */
    private WarrantIssued publishedWarrant() {
        WarrantIssued warrant = PassbackFixtures.passbackWarrant("agent-7", "checkout", WARRANT_SIGNER);
        kafka.send(Topics.WARRANTS, warrant.getIntentId(), warrant);
        return warrant;
    }

    private static String claimProof(WarrantIssued warrant, WarrantKey key) {
        return PossessionProofs.sign(warrant.getWarrantId(), PossessionProofs.CLAIM, Instant.now(), key);
    }

    private static String signedReport(WarrantIssued warrant, WarrantKey key, String output) {
        return ExecutionReports.sign(
                new ExecutionReport(
                        warrant.getWarrantId(),
                        warrant.getIntentId(),
                        "agent-7",
                        warrant.getActionDigest(),
                        ExecutionReport.Status.SUCCEEDED,
                        Instant.now().minusMillis(20).truncatedTo(ChronoUnit.MILLIS),
                        Instant.now().truncatedTo(ChronoUnit.MILLIS),
                        ExecutionReports.outputDigest(output),
                        null),
                key);
    }

    @Test
    void shouldHandOutClaimOnceAndPublishAVerifiedReport() {
        WarrantKey agentKey = TestAgents.get("agent-7").signingKey();
        WarrantIssued warrant = publishedWarrant();

        // the agent's long poll sees its warrant, with the token and the key it is bound to
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> as("agent-7")
                        .get("/v1/passback/warrants?waitSeconds=1")
                        .then()
                        .statusCode(200)
                        .body("warrants.warrantId", org.hamcrest.Matchers.hasItem(warrant.getWarrantId())));
        // another agent does not see it
        as("infra-optimizer")
                .get("/v1/passback/warrants")
                .then()
                .statusCode(200)
                .body(
                        "warrants.warrantId",
                        org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(warrant.getWarrantId())));

        // a report before the claim is refused
        String output = "{\"deployed\":\"v2.3.1\"}";
        as("agent-7")
                .body(Map.of("report", signedReport(warrant, agentKey, output), "output", output))
                .post("/v1/executions")
                .then()
                .statusCode(409)
                .body("detail", containsString("not claimed"));

        // a claim needs a proof by the bound key; a proof by another key is refused
        as("agent-7")
                .body(Map.of("proof", claimProof(warrant, WarrantKey.generateEd25519("stolen"))))
                .post("/v1/passback/warrants/" + warrant.getWarrantId() + "/claim")
                .then()
                .statusCode(400)
                .body("detail", containsString("bound to key"));
        // another agent may not claim it at all
        as("infra-optimizer")
                .body(Map.of(
                        "proof",
                        claimProof(warrant, TestAgents.get("infra-optimizer").signingKey())))
                .post("/v1/passback/warrants/" + warrant.getWarrantId() + "/claim")
                .then()
                .statusCode(403);
        // the first proper claim wins; a second one (another instance of the agent) loses
        as("agent-7")
                .body(Map.of("proof", claimProof(warrant, agentKey)))
                .post("/v1/passback/warrants/" + warrant.getWarrantId() + "/claim")
                .then()
                .statusCode(200)
                .body("claimed", equalTo(true));
        as("agent-7")
                .body(Map.of("proof", claimProof(warrant, agentKey)))
                .post("/v1/passback/warrants/" + warrant.getWarrantId() + "/claim")
                .then()
                .statusCode(409)
                .body("detail", containsString("claimed first by agent:agent-7"));
        // a claimed warrant is no longer handed out
        as("agent-7")
                .get("/v1/passback/warrants")
                .then()
                .statusCode(200)
                .body(
                        "warrants.warrantId",
                        org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(warrant.getWarrantId())));

        // a report signed by another key, or whose output does not match its digest, is refused
        as("agent-7")
                .body(Map.of("report", signedReport(warrant, WarrantKey.generateEd25519("stolen"), output)))
                .post("/v1/executions")
                .then()
                .statusCode(400)
                .body("detail", containsString("bound to key"));
        as("agent-7")
                .body(Map.of("report", signedReport(warrant, agentKey, output), "output", "{\"deployed\":\"v9\"}"))
                .post("/v1/executions")
                .then()
                .statusCode(400)
                .body("detail", containsString("outputDigest"));

        // the proper report is published on executions with its signature, for audit-service to check again
        String report = signedReport(warrant, agentKey, output);
        as("agent-7")
                .body(Map.of("report", report, "output", output))
                .post("/v1/executions")
                .then()
                .statusCode(202)
                .body("status", equalTo("SUCCEEDED"));
        ExecutionReported published = kafka.await(
                        Topics.EXECUTIONS, r -> r.key().equals(warrant.getIntentId()), Duration.ofSeconds(20))
                .value();
        assertThat(published.getMode()).isEqualTo(ExecutionMode.PASSBACK);
        assertThat(published.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(published.getExecutorId()).isEqualTo("agent:agent-7");
        assertThat(published.getSignedReport()).isEqualTo(report);
        assertThat(published.getActionDigest()).isEqualTo(warrant.getActionDigest());
        assertThat(published.getOutputJson()).isEqualTo(output);
        assertThat(ExecutionReports.verify(published.getSignedReport(), warrant.getConfirmationKeyThumbprint())
                        .valid())
                .isTrue();
    }

    @Test
    void shouldRefuseWithoutAnAgentKeyAndForUnknownWarrants() {
        given().get("/v1/passback/warrants").then().statusCode(401);
        as("agent-7")
                .body(Map.of("proof", "x"))
                .post("/v1/passback/warrants/no-such-warrant/claim")
                .then()
                .statusCode(404)
                .body("detail", containsString("no passback warrant no-such-warrant"));
        as("agent-7")
                .body(Map.of("report", "not-a-jws"))
                .post("/v1/executions")
                .then()
                .statusCode(400);
        as("agent-7")
                .get("/v1/passback/warrants?waitSeconds=99")
                .then()
                .statusCode(400)
                .body("detail", containsString("waitSeconds"));
    }
}
