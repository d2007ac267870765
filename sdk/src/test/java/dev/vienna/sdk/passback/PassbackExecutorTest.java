package dev.vienna.sdk.passback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.ExecutionReports;
import dev.vienna.sdk.warrant.KeyThumbprints;
import dev.vienna.sdk.warrant.PossessionProofs;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantTokens;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent side against a stand-in intake on loopback that answers as intake-service does: what is claimed, what runs,
 * and what the report the agent signs says.
 */
class PassbackExecutorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WarrantKey ISSUER = WarrantKey.generateEd25519("vienna-1");
    private static final WarrantKey AGENT_KEY = WarrantKey.generateEd25519("deploy-agent-1");

    private final List<JsonNode> claims = new ArrayList<>();
    private final List<JsonNode> reports = new ArrayList<>();
    private final List<Map<String, Object>> handedOut = new ArrayList<>();
    private int claimStatus = 200;
    private boolean keepHandedOut;
    private final AtomicInteger polls = new AtomicInteger();
    private HttpServer intake;

    @AfterEach
    void stop() {
        if (intake != null) {
            intake.stop(0);
        }
    }

    private URI startIntake() throws IOException {
        intake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        intake.createContext("/v1/passback/warrants", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] answer;
            int status = 200;
            if (path.endsWith("/claim")) {
                synchronized (claims) {
                    claims.add(JSON.readTree(exchange.getRequestBody()));
                }
                status = claimStatus;
                answer = (status == 200 ? "{\"claimed\":true}" : "{\"detail\":\"claimed first by agent:x\"}")
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                polls.incrementAndGet();
                answer = JSON.writeValueAsBytes(Map.of("warrants", handedOut));
                if (!keepHandedOut) {
                    handedOut.clear();
                }
            }
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        intake.createContext("/v1/executions", exchange -> {
            synchronized (reports) {
                reports.add(JSON.readTree(exchange.getRequestBody()));
            }
            byte[] answer = "{\"status\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(202, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        intake.start();
        return URI.create("http://127.0.0.1:" + intake.getAddress().getPort());
    }

    private static String thumbprint(WarrantKey key) {
        return KeyThumbprints.ofEd25519(Base64.getUrlEncoder().withoutPadding().encodeToString(key.publicKey()))
                .orElseThrow();
    }

    /** A warrant as intake hands it out, for deploy-agent, bound to {@code boundTo}. */
    private static Map<String, Object> warrant(String warrantId, String params, WarrantKey boundTo) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ActionRequest action = new ActionRequest("deploy-agent", "deploy_production", "checkout", params);
        WarrantClaims claims = new WarrantClaims(
                        "vienna",
                        "deploy-agent",
                        "agent:deploy-agent",
                        warrantId,
                        now,
                        now,
                        now.plusSeconds(300),
                        "intent-" + warrantId,
                        "local",
                        action.action(),
                        action.resource(),
                        WarrantClaims.Tier.T3,
                        WarrantClaims.Mode.PASSBACK,
                        Map.of(),
                        List.of(),
                        "v1",
                        action.digest())
                .boundTo(thumbprint(boundTo));
        return Map.of(
                "warrantId",
                warrantId,
                "intentId",
                "intent-" + warrantId,
                "action",
                "deploy_production",
                "resource",
                "checkout",
                "params",
                params,
                "token",
                WarrantTokens.sign(claims, ISSUER));
    }

    private PassbackExecutor executor(URI intake, AtomicInteger runs) {
        Clock clock = Clock.systemUTC();
        WarrantVerifier verifier = new WarrantVerifier(List.of(ISSUER.verifyOnly()), clock, Duration.ofSeconds(30));
        return new PassbackExecutor(
                intake,
                "vak_test_key",
                "deploy-agent",
                AGENT_KEY,
                verifier,
                w -> {
                    runs.incrementAndGet();
                    return "{\"deployed\":\""
                            + JSON.readTree(w.paramsJson()).get("version").asText() + "\"}";
                },
                clock);
    }

    @Test
    void shouldClaimRunAndReportAVerifiedWarrantSignedByTheAgentsKey() throws Exception {
        URI uri = startIntake();
        handedOut.add(warrant("w-1", "{\"version\":\"v2.3.1\"}", AGENT_KEY));
        AtomicInteger runs = new AtomicInteger();

        var results = executor(uri, runs).runOnce(Duration.ZERO);

        assertThat(results).extracting(PassbackExecutor.Result::outcome).containsExactly("EXECUTED");
        assertThat(runs).hasValue(1);
        // the claim carried a proof of possession of the bound key for exactly this warrant
        assertThat(PossessionProofs.problem(
                        claims.get(0).get("proof").asText(),
                        thumbprint(AGENT_KEY),
                        "w-1",
                        PossessionProofs.CLAIM,
                        Clock.systemUTC(),
                        Duration.ofMinutes(1)))
                .isEmpty();
        // the report is signed by that key and names the action that ran and the output's digest
        JsonNode report = reports.get(0);
        var verified = ExecutionReports.verify(report.get("report").asText(), thumbprint(AGENT_KEY));
        assertThat(verified.valid()).as(verified.problem()).isTrue();
        assertThat(verified.report().warrantId()).isEqualTo("w-1");
        assertThat(verified.report().actionDigest())
                .isEqualTo(
                        new ActionRequest("deploy-agent", "deploy_production", "checkout", "{\"version\":\"v2.3.1\"}")
                                .digest());
        assertThat(report.get("output").asText()).isEqualTo("{\"deployed\":\"v2.3.1\"}");
        assertThat(verified.report().outputDigest())
                .isEqualTo(ExecutionReports.outputDigest(report.get("output").asText()));
    }

    @Test
    void shouldNeitherClaimNorRunAWarrantThatDoesNotVerify() throws Exception {
        URI uri = startIntake();
        // bound to another key, and one whose params were changed on the way
        handedOut.add(warrant("w-other-key", "{\"version\":\"v1\"}", WarrantKey.generateEd25519("thief")));
        Map<String, Object> tampered =
                new java.util.HashMap<>(warrant("w-tampered", "{\"version\":\"v1\"}", AGENT_KEY));
        tampered.put("params", "{\"version\":\"v666\"}");
        handedOut.add(tampered);
        AtomicInteger runs = new AtomicInteger();

        var results = executor(uri, runs).runOnce(Duration.ZERO);

        assertThat(results).extracting(PassbackExecutor.Result::outcome).containsExactly("REFUSED", "REFUSED");
        assertThat(results.get(0).detail()).startsWith("KEY_NOT_PROVEN");
        assertThat(results.get(1).detail()).startsWith("ACTION_MISMATCH");
        assertThat(claims).isEmpty();
        assertThat(reports).isEmpty();
        assertThat(runs).hasValue(0);
    }

    @Test
    void shouldNotTryARefusedWarrantAgainNorSpinOnIt() throws Exception {
        URI uri = startIntake();
        keepHandedOut = true; // intake keeps handing out an unclaimed warrant until it expires
        handedOut.add(warrant("w-bad", "{\"version\":\"v1\"}", WarrantKey.generateEd25519("thief")));
        AtomicInteger runs = new AtomicInteger();
        PassbackExecutor executor = executor(uri, runs);

        assertThat(executor.runOnce(Duration.ZERO))
                .extracting(PassbackExecutor.Result::outcome)
                .containsExactly("REFUSED");
        long start = System.nanoTime();
        assertThat(executor.runOnce(Duration.ofMillis(300))).isEmpty();
        // a poll that brought only refused warrants waits before the next one
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(polls).hasValue(2);
        assertThat(claims).isEmpty();
        assertThat(runs).hasValue(0);
    }

    @Test
    void shouldNotRunAWarrantAnotherInstanceClaimedFirst() throws Exception {
        URI uri = startIntake();
        claimStatus = 409;
        handedOut.add(warrant("w-2", "{\"version\":\"v2\"}", AGENT_KEY));
        AtomicInteger runs = new AtomicInteger();

        var results = executor(uri, runs).runOnce(Duration.ZERO);

        assertThat(results).extracting(PassbackExecutor.Result::outcome).containsExactly("LOST");
        assertThat(runs).hasValue(0);
        assertThat(reports).isEmpty();
    }
}
