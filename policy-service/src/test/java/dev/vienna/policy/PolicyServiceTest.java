package dev.vienna.policy;

import static dev.vienna.testing.OperatorTokensResource.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.PolicyActivationOutcome;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.issuer.LocalOperatorIssuer;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.OperatorTokensResource;
import dev.vienna.testing.TestAgents;
import dev.vienna.testing.TestEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PolicyDirectoryResource.class)
@WithTestResource(OperatorTokensResource.class)
class PolicyServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NOOP = "{\"agentId\":\"a\",\"action\":\"noop\",\"resource\":\"r\"}";

    private final KafkaProbe kafka = KafkaBrokerResource.probe();

    /** A request as an operator who may read the policy. */
    private static RequestSpecification asViewer() {
        return given().auth().oauth2(token("vera", "viewer"));
    }

    private static String activeVersion() {
        return asViewer().get("/v1/policy").then().statusCode(200).extract().path("version");
    }

    @Test
    void shouldTierIntentsFromTheBrokerWithTheShippedPolicies() {
        String restart = UUID.randomUUID().toString();
        String deploy = UUID.randomUUID().toString();
        kafka.send(Topics.INTENTS, restart, TestEvents.accepted(restart, "restart_service"));
        kafka.send(Topics.INTENTS, deploy, TestEvents.accepted(deploy, "deploy_production"));

        var t1 = kafka.await(Topics.TIERED, r -> r.key().equals(restart), WAIT).value();
        var t3 = kafka.await(Topics.TIERED, r -> r.key().equals(deploy), WAIT).value();
        assertThat(t1.getTier()).isEqualTo(Tier.T1);
        assertThat(t1.getMode()).isEqualTo(ExecutionMode.DIRECT);
        assertThat(t3.getTier()).isEqualTo(Tier.T3);
        assertThat(t3.getMode()).isEqualTo(ExecutionMode.PASSBACK);
        assertThat(t3.getMatchedRules())
                .anySatisfy(r -> assertThat(r.getRuleId()).isEqualTo("deploy-production"));
    }

    @Test
    void shouldAnnounceTheInitialPolicyAsAnActivation() {
        String version = activeVersion();
        var activation = kafka.await(
                        Topics.POLICY_ACTIVATIONS,
                        r -> r.value().getPolicyVersion().equals(version),
                        WAIT)
                .value();
        assertThat(activation.getOutcome()).isEqualTo(PolicyActivationOutcome.ACTIVATED);
        assertThat(activation.getRules()).contains("deploy-production", "scale-deployment");
    }

    @Test
    void shouldActivateAValidEditWithoutRestart() throws Exception {
        String before = activeVersion();
        String rule = "freeze-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = PolicyDirectoryResource.directory().resolve(rule + ".yaml");
        Files.writeString(file, """
        rules:
          - id: %s
            actions: [reboot_everything]
            deny: nobody reboots everything
        """.formatted(rule));
        try {
            // the new set becomes active within seconds, is announced, and decides the next intent
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> asViewer()
                            .get("/v1/policy")
                            .then()
                            .statusCode(200)
                            .body("version", not(equalTo(before)))
                            .body("rules.id", hasItem(rule)));
            String after = activeVersion();
            var activation = kafka.await(
                            Topics.POLICY_ACTIVATIONS,
                            r -> r.value().getPolicyVersion().equals(after),
                            WAIT)
                    .value();
            assertThat(activation.getOutcome()).isEqualTo(PolicyActivationOutcome.ACTIVATED);
            assertThat(activation.getPreviousVersion()).isEqualTo(before);
            assertThat(activation.getRules()).contains(rule);

            String intentId = UUID.randomUUID().toString();
            kafka.send(Topics.INTENTS, intentId, TestEvents.accepted(intentId, "reboot_everything"));
            var tiered = kafka.await(Topics.TIERED, r -> r.key().equals(intentId), WAIT)
                    .value();
            assertThat(tiered.getPolicyVersion()).isEqualTo(after);
            assertThat(tiered.getDecision().name()).isEqualTo("DENY");
            assertThat(tiered.getReasons()).anySatisfy(r -> assertThat(r).contains("nobody reboots everything"));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void shouldRefuseAnInvalidEditAndKeepThePreviousPolicy() throws Exception {
        String before = activeVersion();
        Path file = PolicyDirectoryResource.directory().resolve("zz-broken.yaml");
        Files.writeString(file, """
        rules:
          - id: half-written
            actions: [scale_kubernetes_deployment]
            when: "intent.params.replicas >"
            tier: T3
        """);
        try {
            var refusal = kafka.await(
                            Topics.POLICY_ACTIVATIONS,
                            r -> r.value().getOutcome() == PolicyActivationOutcome.REJECTED
                                    && r.value().getErrors().stream().anyMatch(e -> e.contains("half-written")),
                            WAIT)
                    .value();
            assertThat(refusal.getPreviousVersion()).isEqualTo(before);
            assertThat(refusal.getErrors())
                    .singleElement()
                    .asString()
                    .startsWith("zz-broken.yaml: rule half-written: when does not compile");
            asViewer()
                    .get("/v1/policy")
                    .then()
                    .statusCode(200)
                    .body("version", equalTo(before))
                    .body("lastRefused.version", equalTo(refusal.getPolicyVersion()))
                    .body("lastRefused.errors[0]", equalTo(refusal.getErrors().get(0)));

            String intentId = UUID.randomUUID().toString();
            kafka.send(Topics.INTENTS, intentId, TestEvents.accepted(intentId, "scale_kubernetes_deployment"));
            var tiered = kafka.await(Topics.TIERED, r -> r.key().equals(intentId), WAIT)
                    .value();
            assertThat(tiered.getPolicyVersion()).isEqualTo(before);
            assertThat(tiered.getTier()).isEqualTo(Tier.T2);
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void shouldEvaluateAnIntentBodyWithoutPublishingIt() {
        asViewer()
                .contentType(ContentType.JSON)
                .body("""
            {"agentId":"infrastructure-optimizer","action":"scale_kubernetes_deployment","resource":"api-server","params":{"replicas":80}}""")
                .post("/v1/policy/evaluate")
                .then()
                .statusCode(200)
                .body("decision", equalTo("DENY"))
                .body("tier", equalTo("T2"))
                .body("matchedRules.ruleId", hasItem("scale-deployment"))
                .body("reasons", hasItem(Matchers.containsString("replicas_cap")))
                .body("scoreFactors.name", hasItem("costImpact"))
                .body("policyVersion", equalTo(activeVersion()));

        // as of another time: the weekend-freeze shadow rule matches on a Sunday only
        asViewer()
                .contentType(ContentType.JSON)
                .queryParam("at", "2026-11-22T10:00:00Z")
                .body(
                        "{\"agentId\":\"deploy-agent\",\"action\":\"deploy_production\",\"resource\":\"checkout\",\"justification\":\"hotfix\"}")
                .post("/v1/policy/evaluate")
                .then()
                .statusCode(200)
                .body("decision", equalTo("ALLOW"))
                .body("matchedRules.findAll { it.mode == 'SHADOW' }.ruleId", Matchers.contains("weekend-freeze"));
        asViewer()
                .contentType(ContentType.JSON)
                .queryParam("at", "yesterday")
                .body("{\"agentId\":\"a\",\"action\":\"noop\",\"resource\":\"r\"}")
                .post("/v1/policy/evaluate")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", Matchers.containsString("ISO-8601"));

        asViewer()
                .contentType(ContentType.JSON)
                .body("{\"action\":\"noop\",\"params\":[1]}")
                .post("/v1/policy/evaluate")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", Matchers.containsInAnyOrder("agentId", "resource", "params"));
    }

    @Test
    void shouldLetEveryOperatorRoleReadAndDryRunThePolicy() {
        for (String role : List.of("viewer", "approver", "auditor", "security", "admin")) {
            given().auth()
                    .oauth2(token("olive", role))
                    .get("/v1/policy")
                    .then()
                    .statusCode(200)
                    .body("rules.id", hasItem("deploy-production"));
            given().auth()
                    .oauth2(token("olive", role))
                    .contentType(ContentType.JSON)
                    .body(NOOP)
                    .post("/v1/policy/evaluate")
                    .then()
                    .statusCode(200)
                    .body("decision", equalTo("ALLOW"));
        }
    }

    @Test
    void shouldAnswer401WithoutATokenAnd403WithoutAnOperatorRole() {
        // no credential: 401 with the Bearer challenge, as problem JSON
        given().get("/v1/policy")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json")
                .body("title", equalTo("Unauthorized"))
                .body("instance", equalTo("/v1/policy"));
        given().contentType(ContentType.JSON)
                .body(NOOP)
                .post("/v1/policy/evaluate")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json");
        // a valid token whose roles are none of the operator roles: 403
        for (String[] roles : List.of(new String[] {"billing"}, new String[] {"agent"}, new String[0])) {
            given().auth()
                    .oauth2(token("otto", roles))
                    .get("/v1/policy")
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("title", equalTo("Forbidden"));
            given().auth()
                    .oauth2(token("otto", roles))
                    .contentType(ContentType.JSON)
                    .body(NOOP)
                    .post("/v1/policy/evaluate")
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void shouldAnswer401ToATokenSignedByAnotherKeyAndToAnAgentsApiKey() {
        String forged = LocalOperatorIssuer.generate().token("mallory", Duration.ofMinutes(5), List.of("viewer"));
        // policy-service does not take agents' API keys: one is just a bearer credential that does not verify
        String agentKey = TestAgents.get("agent-7").bearer();
        for (String credential : List.of(forged, agentKey)) {
            given().auth()
                    .oauth2(credential)
                    .get("/v1/policy")
                    .then()
                    .statusCode(401)
                    .header("WWW-Authenticate", startsWith("Bearer"))
                    .contentType("application/problem+json")
                    .body("title", equalTo("Unauthorized"));
            given().auth()
                    .oauth2(credential)
                    .contentType(ContentType.JSON)
                    .body(NOOP)
                    .post("/v1/policy/evaluate")
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void shouldDescribeThePolicyApiAsOperatorsOnlyNamingTheRoles() {
        given().accept("application/json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("paths.'/v1/policy'.get.security[0]", Matchers.hasKey("operator"))
                .body("paths.'/v1/policy/evaluate'.post.security[0]", Matchers.hasKey("operator"))
                .body(
                        "paths.'/v1/policy'.get.responses.'403'.description",
                        Matchers.allOf(
                                Matchers.containsString("viewer"),
                                Matchers.containsString("approver"),
                                Matchers.containsString("auditor"),
                                Matchers.containsString("security"),
                                Matchers.containsString("admin")))
                .body("paths.'/v1/policy/evaluate'.post.responses", Matchers.hasKey("401"));
    }

    @Test
    void shouldBeReadyOnceTheTopologyRuns() {
        Awaitility.await()
                .atMost(WAIT)
                .untilAsserted(() ->
                        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
    }
}
