package dev.vienna.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.OperatorTokensResource;
import dev.vienna.testing.TestAgents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one error policy of publishing, for a record the broker can never take: 413 (never a 503 that invites a retry),
 * and the publishing channel goes on. The 503 for a record not acknowledged in time is PublishTimeoutTest's.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
@TestProfile(RecordTooLargeTest.SmallRecords.class)
class RecordTooLargeTest {

    /** A producer that takes small records only, as a broker's limit would refuse a large one. */
    public static class SmallRecords implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.outgoing.vienna-publications.max.request.size", "3000");
        }
    }

    private static RequestSpecification asAgent() {
        return given().contentType("application/json")
                .header("Authorization", "Bearer " + TestAgents.get("agent-7").bearer());
    }

    @Test
    void shouldAnswer413ForARecordTheBrokerCanNeverTake() {
        asAgent()
                .body("{\"action\":\"noop\",\"resource\":\"x\",\"justification\":\"" + "j".repeat(1900) + "\","
                        + "\"params\":{\"blob\":\"" + "b".repeat(3500) + "\"}}")
                .post("/v1/intents")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("title", equalTo("Not recorded"))
                .body("detail", containsString("RecordTooLargeException"));
    }

    @Test
    void shouldGoOnPublishingAfterARecordThatCouldNeverBeWritten() {
        asAgent()
                .body("{\"action\":\"noop\",\"resource\":\"x\",\"params\":{\"blob\":\"" + "b".repeat(3500) + "\"}}")
                .post("/v1/intents")
                .then()
                .statusCode(413);
        asAgent()
                .body("{\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(202);
    }
}
