package dev.vienna.handlers;

import static dev.vienna.handlers.Fixtures.catalog;
import static dev.vienna.handlers.Fixtures.handler;
import static dev.vienna.handlers.Fixtures.input;
import static dev.vienna.handlers.Fixtures.output;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.handlers.ActionOutcome.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpHandlerTest {

    /** Released when a slow-server test has its outcome: the server holds its answer until then. */
    private final CountDownLatch release = new CountDownLatch(1);

    private static final String SECRET = "s3cr3t-oncall-token";

    private static RecordingHttpServer server;

    @BeforeAll
    static void startServer() {
        server = new RecordingHttpServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void resetServer() {
        server.reset();
    }

    /**
     * A catalog with one http action {@code call} against the test server; {@code keys} are the action's other keys.
     */
    private static ActionHandler call(String keys) {
        ActionCatalog catalog = catalog(
                "actions:\n  call:\n    handler: http\n    baseUrl: \"http://127.0.0.1:${PORT}/hooks/\"\n" + keys,
                Map.of("PORT", String.valueOf(server.port()), "ONCALL_TOKEN", SECRET));
        return handler(catalog, "call");
    }

    @Test
    void shouldSendTheMethodPathAndJsonBodyWithTypesPreserved() {
        ActionHandler handler = call("""
                    method: POST
                    path: "/{resource}/notify"
                    body:
                      service: "{resource}"
                      replicas: "{params.replicas}"
                      urgent: "{params.urgent}"
                      summary: "restart {resource} x{params.replicas}"
                      warrant: "{warrant}"
                      fixed: [1, 2.5, true, null]
                    args: { resource: "[a-z-]+", params.replicas: "[0-9]+", params.urgent: "true|false" }
                """);

        ActionOutcome outcome = handler.run(
                input("call", "billing-api", "{\"replicas\": 3, \"urgent\": true, \"extra\": \"ignored\"}"));

        assertThat(outcome.status()).as("%s", outcome).isEqualTo(Status.SUCCEEDED);
        assertThat(output(outcome))
                .isEqualTo(Fixtures.json("{\"status\":200,\"body\":{\"ok\":true},\"truncated\":false}"));
        RecordingHttpServer.Received request = server.received().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/hooks/billing-api/notify");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(Fixtures.json(request.body()))
                .isEqualTo(Fixtures.json("{\"service\":\"billing-api\",\"replicas\":3,\"urgent\":true,"
                        + "\"summary\":\"restart billing-api x3\",\"warrant\":\"w-1\",\"fixed\":[1,2.5,true,null]}"));
    }

    @Test
    void shouldKeepAValueWithSlashesDotsAndPercentsInOneSegment() {
        ActionHandler handler = call("""
                    method: GET
                    path: "/{resource}"
                    args: { resource: "[A-Za-z0-9/.%?#]+" }
                """);

        ActionOutcome traversal = handler.run(input("call", "a/../../b", "{}"));
        ActionOutcome encoded = handler.run(input("call", "x%2Fy?q#f", "{}"));

        assertThat(traversal.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(encoded.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(server.received())
                .extracting(RecordingHttpServer.Received::rawPath)
                .containsExactly("/hooks/a%2F..%2F..%2Fb", "/hooks/x%252Fy%3Fq%23f");
    }

    @Test
    void shouldRejectADotSegmentThatWouldLeaveTheBase() {
        ActionHandler handler = call("""
                    method: GET
                    path: "/{resource}/status"
                    args: { resource: "[a-z.]+" }
                """);

        ActionOutcome outcome = handler.run(input("call", "..", "{}"));

        assertThat(outcome.status()).isEqualTo(Status.REJECTED);
        assertThat(outcome.error()).isEqualTo("argument resource may not be '..' in a URL path");
        assertThat(server.received()).isEmpty();
    }

    @Test
    void shouldSendTheSecretHeaderButNeverReportIt(@TempDir Path dir) throws Exception {
        Path secretFile = Files.writeString(dir.resolve("api-key"), "file-" + SECRET + "\n");
        ActionHandler handler = call("    method: POST\n    body: { ok: 1 }\n    headers:\n"
                + "      Authorization: { env: ONCALL_TOKEN, prefix: \"Bearer \" }\n"
                + "      X-Api-Key: { file: \"" + secretFile + "\" }\n"
                + "      X-Warrant: \"{warrant}\"\n");
        server.respondWith(exchange -> RecordingHttpServer.send(exchange, 500, "text/plain", "upstream broke"));

        ActionOutcome outcome = handler.run(input("call", "x", "{}"));

        RecordingHttpServer.Received request = server.received().get(0);
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(request.header("X-Api-Key")).isEqualTo("file-" + SECRET);
        assertThat(request.header("X-Warrant")).isEqualTo("w-1");
        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(String.valueOf(outcome.outputJson()) + outcome.error() + outcome + handler)
                .doesNotContain(SECRET);
    }

    @Test
    void shouldFailOnANon2xxStatusWithTheBodyTail() {
        ActionHandler handler = call("    method: GET\n");
        server.respondWith(exchange -> RecordingHttpServer.send(exchange, 503, "text/plain", "x".repeat(2000) + "END"));

        ActionOutcome outcome = handler.run(input("call", "x", "{}"));

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.error())
                .startsWith("HTTP 503: ...")
                .endsWith("xxEND")
                .hasSizeLessThan(600);
        assertThat(output(outcome).get("status").asInt()).isEqualTo(503);
    }

    @Test
    void shouldKeepTheResponseBodyAtTheCapAndSayItIsTruncated() {
        ActionHandler handler = call("    method: GET\n    maxResponseBytes: 100\n");
        server.respondWith(exchange ->
                RecordingHttpServer.send(exchange, 200, "application/json", "[" + "1,".repeat(5000) + "1]"));

        ActionOutcome outcome = handler.run(input("call", "x", "{}"));

        JsonNode output = output(outcome);
        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(output.get("truncated").asBoolean()).isTrue();
        assertThat(output.get("body").asText()).hasSize(100).startsWith("[1,1,");
    }

    @Test
    void shouldFailWithinTheDeadlineWhenTheServerIsSlow() {
        ActionHandler handler = call("    method: GET\n    timeout: 500ms\n");
        server.respondWith(exchange -> {
            // the answer is held until the test has its outcome (at most 10 s)
            release.await(10, TimeUnit.SECONDS);
            RecordingHttpServer.send(exchange, 200, null, "late");
        });

        long started = System.nanoTime();
        ActionOutcome outcome;
        try {
            outcome = handler.run(input("call", "x", "{}"));
        } finally {
            release.countDown();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.error()).contains("timed out after 500ms");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void shouldHonourAWarrantDeadlineEarlierThanTheTimeout() {
        ActionHandler handler = call("    method: GET\n    timeout: 30s\n");
        server.respondWith(exchange -> {
            // the answer is held until the test has its outcome (at most 10 s)
            release.await(10, TimeUnit.SECONDS);
            RecordingHttpServer.send(exchange, 200, null, "late");
        });

        long started = System.nanoTime();
        ActionOutcome outcome;
        try {
            outcome = handler.run(input("call", "x", "{}", Instant.now().plusMillis(600)));
        } finally {
            release.countDown();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.error()).contains("(the warrant's deadline)");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void shouldNotFollowARedirect() {
        ActionHandler handler = call("    method: GET\n");
        server.respondWith(exchange -> {
            exchange.getResponseHeaders().add("Location", "/elsewhere");
            RecordingHttpServer.send(exchange, 302, null, "");
        });

        ActionOutcome outcome = handler.run(input("call", "x", "{}"));

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.error()).isEqualTo("HTTP 302 redirect to /elsewhere not followed");
        assertThat(server.received())
                .extracting(RecordingHttpServer.Received::rawPath)
                .containsExactly("/hooks/");
    }

    @Test
    void shouldReportANonJsonBodyAsText() {
        ActionHandler handler = call("    method: GET\n");
        server.respondWith(exchange -> RecordingHttpServer.send(exchange, 200, "text/plain", "done"));

        ActionOutcome outcome = handler.run(input("call", "x", "{}"));

        assertThat(output(outcome).get("body").asText()).isEqualTo("done");
    }

    @Test
    void shouldRejectAValueThatWouldPutALineBreakIntoAHeader() {
        ActionHandler handler = call("""
                    method: GET
                    headers: { X-Reason: "{params.reason}" }
                    args: { params.reason: "(?s).*" }
                """);

        ActionOutcome outcome = handler.run(input("call", "x", "{\"reason\": \"ok\\r\\nX-Admin: yes\"}"));

        assertThat(outcome.status()).isEqualTo(Status.REJECTED);
        assertThat(outcome.error())
                .isEqualTo("argument values would put a control character, a line break or a character beyond"
                        + " Latin-1 into header X-Reason");
        assertThat(server.received()).isEmpty();
    }

    @Test
    void shouldFailWhenNothingListens() {
        ActionCatalog catalog = catalog("""
                actions:
                  call: { handler: http, method: GET, baseUrl: "http://127.0.0.1:1/", connectTimeout: 1s }
                """);

        ActionOutcome outcome = handler(catalog, "call").run(input("call", "x", "{}"));

        assertThat(outcome.status()).isEqualTo(Status.FAILED);
        assertThat(outcome.error()).startsWith("GET http://127.0.0.1:1/ ");
    }
}
