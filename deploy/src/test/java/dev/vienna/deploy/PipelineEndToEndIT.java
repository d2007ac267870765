package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.Topics;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.client.ViennaClient;
import dev.vienna.sdk.kafka.audit.AuditLogReader;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import dev.vienna.sdk.warrant.WarrantVerifier;
import dev.vienna.testing.KafkaProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The six packaged services as separate processes on one real broker (SASL/SCRAM, ACLs), driven as an agent, an
 * operator and an auditor would: over HTTP with their credentials, and by reading topics. The services export their
 * spans over OTLP/HTTP to a receiver in this JVM. Service logs: target/e2e/stack.log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndIT {

    private static ViennaStack stack;
    private static ViennaClient client;
    private static KafkaProbe kafka;
    private static OtlpReceiver traces;

    @BeforeAll
    static void startStack() throws Exception {
        traces = new OtlpReceiver();
        stack = TestStacks.start(
                "e2e",
                options -> options.withNotifier(true)
                        .withJvmOptions("-Dvienna.traces.otlp-endpoint=" + traces.endpoint()
                                + " -Dquarkus.otel.exporter.otlp.traces.protocol=http/protobuf"
                                + " -Dquarkus.otel.bsp.schedule.delay=200ms"));
        client = stack.client("e2e-agent");
        kafka = new KafkaProbe(stack.adminClientConfig());
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (traces != null) {
            traces.close();
        }
    }

    @Test
    @Order(1)
    void shouldExecuteAT0IntentUnderAVerifiedWarrant() throws Exception {
        // given an agent's T0 intent
        String intentId = client.submit(
                Map.of("agentId", "e2e-agent", "action", "noop", "resource", "e2e", "params", Map.of("check", 1)));

        // then its lifecycle ends EXECUTED after every stage (the claim and the report travel on
        // different topics, so wait for the whole timeline)
        awaitState(intentId, "EXECUTED");
        List<String> expected = List.of(
                "IntentAccepted",
                "IntentTiered",
                "ApprovalDecided",
                "WarrantIssued",
                "WarrantClaimed",
                "ExecutionReported",
                "ExecutionVerdict");
        JsonNode lifecycle = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> client.lifecycle(intentId).orElseThrow(),
                        l -> l.get("events").findValuesAsText("type").size() == expected.size());
        assertThat(lifecycle.get("events").findValuesAsText("type")).containsExactlyElementsOf(expected);
        assertThat(lifecycle.get("tier").asText()).isEqualTo("T0");
        assertThat(lifecycle.get("verdict").asText()).isEqualTo("VERIFIED");
        assertThat(lifecycle.get("verdictReasons")).isEmpty();

        // and the warrant it ran under verifies with the run's public key, for exactly this action
        var warrant = kafka.await(Topics.WARRANTS, r -> r.key().equals(intentId), Duration.ofSeconds(30))
                .value();
        var action = new ActionRequest("e2e-agent", "noop", "e2e", "{\"check\":1}");
        var published = WarrantKeyRing.fromJwks(HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(stack.jwksUri()).build(), HttpResponse.BodyHandlers.ofString())
                .body());
        var verification = new WarrantVerifier(published.keys(), Clock.systemUTC(), Duration.ofSeconds(30))
                .verify(warrant.getToken(), "vienna-executor", action);
        assertThat(verification.valid()).as(verification.detail()).isTrue();
        assertThat(lifecycle.get("warrantId").asText()).isEqualTo(warrant.getWarrantId());
        // and the timeline shows the token with its claims
        assertThat(lifecycle.at("/warrant/token").asText()).isEqualTo(warrant.getToken());
        assertThat(lifecycle.at("/warrant/claims/actionDigest").asText()).isEqualTo(action.digest());
        assertThat(lifecycle.at("/warrant/claims/audience").asText()).isEqualTo("vienna-executor");
        var execution = kafka.await(Topics.EXECUTIONS, r -> r.key().equals(intentId), Duration.ofSeconds(30))
                .value();
        assertThat(execution.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.getWarrantId()).isEqualTo(warrant.getWarrantId());

        // and an auditor replaying the audit log sees the same timeline
        var printed = new ByteArrayOutputStream();
        int exit = ViennaCli.run(
                List.of(
                        "audit",
                        "timeline",
                        intentId,
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--config",
                        stack.credentialsFile("vienna-auditor").toString()),
                new PrintStream(printed, true));
        assertThat(exit).isZero();
        assertThat(printed.toString())
                .contains("IntentAccepted", "WarrantIssued", "ExecutionReported", "SUCCEEDED by executor-service");
    }

    @Test
    @Order(2)
    void shouldHoldAT2IntentForApproval() throws Exception {
        String intentId = client.submit(Map.of(
                "agentId",
                "e2e-agent",
                "action",
                "scale_kubernetes_deployment",
                "resource",
                "api-server",
                "params",
                Map.of("replicas", 25)));
        awaitState(intentId, "PENDING_APPROVAL");
        // operators see it with a token of the stack's local issuer (./vienna token)
        var viewer = new OperatorClient(
                stack.uriOf("approval-service"),
                stack.operatorIssuer().token("vera", Duration.ofMinutes(5), List.of("viewer")));
        var pending = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> viewer.pending("T2"),
                        p -> p.body().findValuesAsText("intentId").contains(intentId));
        assertThat(pending.status()).isEqualTo(200);
        assertThat(new OperatorClient(stack.uriOf("approval-service"), "not-a-token")
                        .pending("T2")
                        .status())
                .isEqualTo(401);
        assertThat(kafka.readUntil(Topics.WARRANTS, r -> r.key().equals(intentId), Duration.ofSeconds(3)))
                .as("no warrant without an approval")
                .noneMatch(r -> r.key().equals(intentId));
    }

    @Test
    @Order(3)
    void shouldDeadLetterAnUndecodableRecordAndKeepThePipelineWorking() {
        String key = "garbage-" + UUID.randomUUID();
        kafka.sendRaw(Topics.INTENTS, key.getBytes(), "{\"this\":\"is not avro\"}".getBytes());

        var dead = kafka.readRawUntil(
                Topics.DEAD_LETTER.name(),
                r -> r.key() != null && new String(r.key()).equals(key),
                Duration.ofSeconds(60));
        assertThat(dead)
                .filteredOn(r -> r.key() != null && new String(r.key()).equals(key))
                .first()
                .satisfies(r -> {
                    assertThat(new String(r.value())).isEqualTo("{\"this\":\"is not avro\"}");
                    assertThat(DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.SERVICE))
                            .isEqualTo("policy-service");
                    assertThat(DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON))
                            .contains("not a IntentAccepted");
                });

        String after =
                client.submit(Map.of("agentId", "e2e-agent", "action", "restart_service", "resource", "api-gateway"));
        awaitState(after, "EXECUTED");
    }

    @Test
    @Order(4)
    void shouldAnswerAMalformedBodyWithProblemJson() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(stack.uriOf("intake-service").resolve("/v1/intents"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + stack.apiKey("e2e-agent"))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"agentId\":"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    @Order(5)
    void shouldLeaveAnAuditChainThatVerifiesAndRecordsTheBadInput() throws Exception {
        // audit-service writes the dead letter and the undecodable record too; wait until it has
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(AuditLogReader.readAll(stack.auditorClientConfig(), Duration.ofSeconds(30)))
                                .extracting(r -> r.getEventType())
                                .contains("DeadLettered", "Undecodable", "ExecutionReported"));
        // and every chain verifies, held to the checkpoints audit-service signed with the stack's key
        var report = stack.verifyAuditLog();
        assertThat(report.problems()).isEmpty();
        assertThat(report.records()).isGreaterThanOrEqualTo(13);
        assertThat(report.checkpointRecords()).isPositive();
        assertThat(report.chains())
                .filteredOn(c -> c.records() > 0)
                .allSatisfy(c -> assertThat(c.newestCheckpointSize()).isPositive());
        assertThat(stack.deadServices()).isEmpty();
    }

    @Test
    @Order(6)
    void shouldRefuseEveryApiWithoutACredential() throws Exception {
        Map<String, String> endpoints = Map.of(
                "intake-service", "/v1/intents",
                "policy-service", "/v1/policy",
                "approval-service", "/v1/approvals/pending",
                "warrant-service", "/v1/warrants/verify",
                "audit-service", "/v1/intents/some-intent",
                "notifier-service", "/v1/notifications/endpoints");
        HttpClient http = HttpClient.newHttpClient();
        for (var endpoint : endpoints.entrySet()) {
            boolean post = endpoint.getValue().equals("/v1/intents")
                    || endpoint.getValue().endsWith("/verify");
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            stack.uriOf(endpoint.getKey()).resolve(endpoint.getValue()))
                    .header("Content-Type", "application/json");
            request = post ? request.POST(HttpRequest.BodyPublishers.ofString("{}")) : request.GET();
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(endpoint.toString()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .as(endpoint.toString())
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        }
        // and the agents' registry, where API keys are issued, asks for an admin
        HttpResponse<String> register = http.send(
                HttpRequest.newBuilder(stack.uriOf("intake-service").resolve("/v1/agents"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + stack.apiKey("e2e-agent"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(register.statusCode()).as(register.body()).isEqualTo(403);
    }

    @Test
    @Order(7)
    void shouldStopASuspendedAgentAtEveryStage() throws Exception {
        // given an agent with an intent held for approval
        stack.registerAgent("e2e-rogue", ViennaStack.LOCAL_TENANT, List.of("erin"));
        ViennaClient rogue = stack.client("e2e-rogue");
        String held = rogue.submit(Map.of(
                "agentId",
                "e2e-rogue",
                "action",
                "scale_kubernetes_deployment",
                "resource",
                "api-server",
                "params",
                Map.of("replicas", 30)));
        rogue.awaitState(held, Set.of("PENDING_APPROVAL"), Duration.ofSeconds(60));

        // when a security operator suspends it
        stack.suspendAgent("e2e-rogue", "credentials leaked in a CI log");

        // then warrant-service revokes every warrant it holds (the kill switch), in the operator's name
        var revocation = kafka.await(
                        Topics.WARRANT_REVOCATIONS, r -> r.key().equals("agent:e2e-rogue"), Duration.ofSeconds(30))
                .value();
        assertThat(revocation.getAgentId()).isEqualTo("e2e-rogue");
        assertThat(revocation.getReason()).isEqualTo("agent suspended: credentials leaked in a CI log");
        assertThat(revocation.getRevokedBy()).isEqualTo("vienna-cli");

        // and intake refuses what it submits next, with the reason
        HttpResponse<String> refused = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(stack.uriOf("intake-service").resolve("/v1/intents"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + stack.apiKey("e2e-rogue"))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"noop\",\"resource\":\"e2e\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("credentials leaked in a CI log");

        // and an approval that arrives after the suspension gets no warrant: the approval is dead-lettered
        var alice = new OperatorClient(
                stack.uriOf("approval-service"),
                stack.operatorIssuer().token("alice", Duration.ofMinutes(5), List.of("approver")));
        assertThat(alice.voteOnWhatIsPending(held, "APPROVE", "looks fine").status())
                .isEqualTo(202);
        var dead = kafka.readRawUntil(
                Topics.DEAD_LETTER.name(),
                r -> r.key() != null && new String(r.key()).equals(held),
                Duration.ofSeconds(60));
        assertThat(dead)
                .filteredOn(r -> r.key() != null && new String(r.key()).equals(held))
                .singleElement()
                .satisfies(r -> assertThat(DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON))
                        .isEqualTo("no warrant: agent e2e-rogue is suspended: credentials leaked in a CI log"));
        assertThat(kafka.readUntil(Topics.WARRANTS, r -> r.key().equals(held), Duration.ofSeconds(3)))
                .noneMatch(r -> r.key().equals(held));
    }

    @Test
    @Order(8)
    void shouldRegisterAndSuspendAnAgentFromTheCommandLine() throws Exception {
        // when an operator registers an agent with ./vienna agent register
        var printed = new ByteArrayOutputStream();
        List<String> where = List.of(
                "--intake",
                stack.uriOf("intake-service").toString(),
                "--data",
                stack.dataDir().toString());
        int exit = ViennaCli.run(
                concat(List.of("agent", "register", "cli-agent", "--owner", "erin", "--tenant", "local"), where),
                new PrintStream(printed, true));
        assertThat(exit).as(printed.toString()).isZero();

        // then the API key alone is printed, and it is the agent's: its intents are accepted
        String apiKey = printed.toString().strip();
        assertThat(apiKey).startsWith("vak_").doesNotContainAnyWhitespaces();
        ViennaClient agent = client.as(apiKey);
        String intentId = agent.submit(Map.of("action", "noop", "resource", "cli", "params", Map.of("from", "cli")));
        assertThat(agent.awaitState(intentId, Set.of("EXECUTED"), Duration.ofSeconds(60))
                        .at("/tier")
                        .asText())
                .isEqualTo("T0");

        // when it is suspended from the command line, its next intent is refused with the reason
        printed.reset();
        assertThat(ViennaCli.run(
                        concat(List.of("agent", "suspend", "cli-agent", "--reason", "rotating owners"), where),
                        new PrintStream(printed, true)))
                .isZero();
        assertThat(printed.toString()).contains("\"status\" : \"SUSPENDED\"");
        assertThatThrownBy(() -> agent.submit(Map.of("action", "noop", "resource", "cli")))
                .hasMessageContaining("403")
                .hasMessageContaining("rotating owners");

        // and registering it again is refused with the registry's reason
        printed.reset();
        assertThat(ViennaCli.run(
                        concat(List.of("agent", "register", "cli-agent", "--owner", "erin"), where),
                        new PrintStream(printed, true)))
                .isEqualTo(1);
        assertThat(printed.toString()).contains("409").contains("registered");
    }

    @Test
    @Order(9)
    void shouldRestartAServiceThatDiedAndGoOnExecuting() throws Exception {
        stack.supervise(Duration.ofMillis(200), Duration.ofSeconds(5));
        // approval-service dies from outside the launcher, as from a crash or the OOM killer
        long pid = stack.pidOf("approval-service");
        assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();

        Awaitility.await()
                .atMost(Duration.ofSeconds(120))
                .until(() -> stack.restarts().stream().anyMatch(r -> r.service().equals("approval-service")));
        ViennaStack.Restart restart = stack.restarts().stream()
                .filter(r -> r.service().equals("approval-service"))
                .findFirst()
                .orElseThrow();
        assertThat(restart.exitCode()).as("killed by SIGKILL").isEqualTo(137);
        assertThat(restart.backoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(stack.pidOf("approval-service")).isNotEqualTo(pid);
        assertThat(stack.deadServices()).isEmpty();
        // and the pipeline, approval stage included, still executes
        String intentId = client.submit(Map.of("action", "noop", "resource", "after-restart"));
        assertThat(awaitState(intentId, "EXECUTED").get("state").asText()).isEqualTo("EXECUTED");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    @Order(10)
    void shouldTraceAT0IntentAsOneTraceThroughTheSixServices() {
        // when an agent's T0 intent runs to its verdict
        String intentId = client.submit(
                Map.of("agentId", "e2e-agent", "action", "noop", "resource", "traced", "params", Map.of("n", 1)));
        awaitState(intentId, "EXECUTED");
        var accepted = kafka.await(Topics.INTENTS, r -> r.key().equals(intentId), Duration.ofSeconds(30));
        String traceId = KafkaProbe.header(accepted, "traceparent").split("-")[1];

        // then every service exported spans of that one trace, which hang together from a single root: intake's
        // HTTP request (each span's parent is a span of the trace), the stages in pipeline order
        List<String> services = ViennaStack.SERVICES;
        List<OtlpReceiver.ReceivedSpan> trace = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> traces.trace(traceId),
                        spans -> connected(spans)
                                && spans.stream()
                                        .map(OtlpReceiver.ReceivedSpan::service)
                                        .collect(Collectors.toSet())
                                        .containsAll(services)
                                && spans.stream()
                                        .anyMatch(s -> s.name().equals("audit-service process execution-verdicts")));
        System.out.println("trace of intent " + intentId + ":\n" + OtlpReceiver.timeline(trace));
        assertThat(trace).extracting(OtlpReceiver.ReceivedSpan::service).isSubsetOf(services);
        var root = trace.stream().filter(OtlpReceiver.ReceivedSpan::root).toList();
        assertThat(root).singleElement().satisfies(span -> {
            assertThat(span.service()).isEqualTo("intake-service");
            assertThat(span.kind()).isEqualTo("SPAN_KIND_SERVER");
            assertThat(span.name()).isEqualTo("POST /v1/intents");
        });
        var publish = childOf(trace, root.get(0), "intake-service", "SPAN_KIND_PRODUCER");
        var policy = childOf(trace, publish, "policy-service", "SPAN_KIND_CONSUMER");
        assertThat(policy.name()).isEqualTo("policy-service process intents");
        assertThat(policy.attributes()).containsEntry("messaging.kafka.message.key", intentId);
        var approval = childOf(trace, policy, "approval-service", "SPAN_KIND_CONSUMER");
        assertThat(approval.name()).isEqualTo("approval-service process tiered");
        var warrant = childOf(trace, approval, "warrant-service", "SPAN_KIND_CONSUMER");
        assertThat(warrant.name()).isEqualTo("warrant-service process approved");
        var executor = childOf(trace, warrant, "executor-service", "SPAN_KIND_CONSUMER");
        assertThat(executor.name()).isEqualTo("executor-service process warrants");
        assertThat(executor.attributes()).containsEntry("vienna.execution.status", "SUCCEEDED");
        // and audit-service appended each record of the intent in a span of the stage that wrote it
        assertThat(trace)
                .filteredOn(s -> s.service().equals("audit-service"))
                .extracting(s -> s.name() + " <- " + parentOf(trace, s).service())
                .contains(
                        "audit-service process intents <- intake-service",
                        "audit-service process tiered <- policy-service",
                        "audit-service process approved <- approval-service",
                        "audit-service process warrants <- warrant-service",
                        "audit-service process warrant-claims <- executor-service",
                        "audit-service process executions <- executor-service",
                        "audit-service process execution-verdicts <- audit-service");
    }

    /** True when every span but one root has its parent among the spans. */
    private static boolean connected(List<OtlpReceiver.ReceivedSpan> spans) {
        Set<String> ids = spans.stream().map(OtlpReceiver.ReceivedSpan::spanId).collect(Collectors.toSet());
        return spans.stream().filter(OtlpReceiver.ReceivedSpan::root).count() == 1
                && spans.stream().allMatch(s -> s.root() || ids.contains(s.parentSpanId()));
    }

    private static OtlpReceiver.ReceivedSpan parentOf(
            List<OtlpReceiver.ReceivedSpan> trace, OtlpReceiver.ReceivedSpan span) {
        return trace.stream()
                .filter(s -> s.spanId().equals(span.parentSpanId()))
                .findFirst()
                .orElseThrow();
    }

    /** The one span of {@code service} of that kind whose parent is {@code parent}. */
    private static OtlpReceiver.ReceivedSpan childOf(
            List<OtlpReceiver.ReceivedSpan> trace, OtlpReceiver.ReceivedSpan parent, String service, String kind) {
        var children = trace.stream()
                .filter(s -> s.parentSpanId().equals(parent.spanId()))
                .filter(s -> s.service().equals(service) && s.kind().equals(kind))
                .toList();
        assertThat(children).as("%s %s spans under %s", service, kind, parent).hasSize(1);
        return children.get(0);
    }

    private static JsonNode awaitState(String intentId, String state) {
        return client.awaitState(intentId, Set.of(state), Duration.ofSeconds(60));
    }

    @Test
    @Order(100)
    void shouldRunTheDemoToItsEndWithEveryTierVerified() throws Exception {
        // the README's first command, on this stack: every tier reaches its final state, T0/T1 by the built-in
        // handlers (noop, HTTP, shell, SQL), T2 denied, T3 by the example passback agent over HTTP and over Kafka,
        // each execution VERIFIED,
        // the side effects counted at the targets, and the audit chain intact
        var printed = new ByteArrayOutputStream();
        boolean ok = Demo.run(stack, new PrintStream(printed, true), Duration.ofSeconds(120));
        String output = printed.toString();
        assertThat(ok).as(output).isTrue();
        assertThat(output).contains("T1 record_change (SQL)").contains("1 change-log row (SQL)");
        for (String passback : List.of("(passback)", "(Kafka)")) {
            assertThat(output.lines())
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("demo: T3 deploy_production " + passback)
                            .contains(" EXECUTED ")
                            .contains("verdict VERIFIED")
                            .endsWith("as expected"));
        }
        // the Kafka agent's warrant went to its feed (claimed there by intake for it), its report came back by Kafka
        assertThat(output)
                .contains("claimed for execution by agent:release-agent/feed")
                .contains("SUCCEEDED by agent:release-agent (PASSBACK");
    }
}
