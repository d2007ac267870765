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
 * The one error policy of publishing, for a record not acknowledged in time: 503 with Retry-After (nothing recorded,
 * repeat the request). The 413 for a record the broker can never take is RecordTooLargeTest's.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
@TestProfile(PublishTimeoutTest.NoTimeToWait.class)
class PublishTimeoutTest {

    /** A publish timeout no acknowledgement can meet. */
    public static class NoTimeToWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vienna.intake.publish-timeout", "0s");
        }
    }

    private static RequestSpecification asAgent() {
        return given().contentType("application/json")
                .header("Authorization", "Bearer " + TestAgents.get("agent-7").bearer());
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheBrokerDoesNotAcknowledgeInTime() {
        asAgent()
                .body("{\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(503)
                .header("Retry-After", "1")
                .contentType("application/problem+json")
                .body("title", equalTo("Not recorded"))
                .body("detail", containsString("did not acknowledge it within PT0S"));
    }
}
