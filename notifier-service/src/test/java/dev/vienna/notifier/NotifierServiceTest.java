package dev.vienna.notifier;

import static dev.vienna.testing.OperatorTokensResource.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.Topics;
import dev.vienna.events.VerdictOutcome;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.OperatorTokensResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The packaged service on the real broker as its own principal, with a webhooks file naming one receiver: an audit
 * record becomes a signed webhook; the endpoint's state is served to admins only, without its secret; the delivery
 * metrics are at /q/metrics.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
@WithTestResource(ReceiverResource.class)
class NotifierServiceTest {

    private void ready() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void shouldDeliverAViolationFromTheAuditLogSignedToTheConfiguredReceiver() {
        ready();
        AuditRecord violation =
                new AuditFixtures().verdict("svc-" + System.nanoTime(), VerdictOutcome.VIOLATION, Instant.now());
        String id =
                Notification.idOf(violation.getRecordId(), violation.getHash(), NotificationKind.EXECUTION_VIOLATION);

        KafkaBrokerResource.probe().send(Topics.AUDIT, violation.getRecordId(), violation);

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(ReceiverResource.received()).contains(id + " execution.violation true"));
        assertThat(ReceiverResource.received()).noneMatch(r -> r.endsWith(" false"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(given().get("/q/metrics").asString())
                        .containsPattern(
                                "vienna_notifier_deliveries_total\\{endpoint=\"receiver\",outcome=\"delivered\"}"
                                        + " [1-9]"));
    }

    @Test
    void shouldShowEachEndpointsStateToAdminsOnlyAndNeverItsSecret() {
        ready();
        given().get("/v1/notifications/endpoints")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json");
        given().auth()
                .oauth2(token("vera", "viewer"))
                .get("/v1/notifications/endpoints")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        String body = given().auth()
                .oauth2(token("root", "admin"))
                .get("/v1/notifications/endpoints")
                .then()
                .statusCode(200)
                .body("endpoints[0].name", equalTo("receiver"))
                .body("endpoints[0].format", equalTo("standard"))
                .body("endpoints[0].signed", equalTo(true))
                .body("endpoints[0].events.size()", equalTo(5))
                .extract()
                .asString();
        assertThat(body).doesNotContain("whsec_").doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }
}
