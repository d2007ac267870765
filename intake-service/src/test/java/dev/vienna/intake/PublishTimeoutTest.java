package dev.vienna.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.vienna.testing.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An intent the broker does not acknowledge in time is answered 503 with Retry-After: nothing was recorded. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestProfile(PublishTimeoutTest.NoTimeToWait.class)
class PublishTimeoutTest {

    /** A publish timeout no acknowledgement can meet. */
    public static class NoTimeToWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vienna.intake.publish-timeout", "0s");
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheBrokerDoesNotAcknowledgeInTime() {
        given().contentType("application/json")
                .body("{\"agentId\":\"impatient-agent\",\"action\":\"noop\",\"resource\":\"x\"}")
                .post("/v1/intents")
                .then()
                .statusCode(503)
                .header("Retry-After", "1")
                .contentType("application/problem+json")
                .body("title", equalTo("Not recorded"))
                .body("detail", containsString("did not acknowledge it within PT0S"));
    }
}
