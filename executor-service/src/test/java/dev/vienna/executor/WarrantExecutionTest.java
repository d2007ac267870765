package dev.vienna.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ExecutionReported;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.handlers.ActionCatalog;
import dev.vienna.handlers.ActionDispatcher;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.kafka.events.WarrantEvents;
import dev.vienna.sdk.warrant.ExecutionReports;
import dev.vienna.sdk.warrant.RevocationList;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor's rule on real built-in handlers: what runs, what is refused, and what each report says. */
class WarrantExecutionTest {

    static final WarrantKey KEY = WarrantKey.generateEd25519("k1");
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @TempDir
    Path dir;

    private ActionDispatcher dispatcher;
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final RevocationList revocations = new RevocationList();

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    static WarrantIssued warrant(String action, Instant issuedAt) {
        return warrant(action, issuedAt, "w-1");
    }

    static WarrantIssued warrant(String action, Instant issuedAt, String warrantId) {
        String params = "{\"graceful\":true}";
        ActionRequest request = new ActionRequest("agent-7", action, "api", params);
        WarrantClaims claims = new WarrantClaims(
                "vienna",
                "agent-7",
                "vienna-executor",
                warrantId,
                issuedAt,
                issuedAt,
                issuedAt.plusSeconds(900),
                "i-1",
                "acme",
                action,
                "api",
                WarrantClaims.Tier.T1,
                WarrantClaims.Mode.DIRECT,
                Map.of(),
                List.of(),
                "v",
                request.digest());
        return WarrantEvents.issue(claims, params, KEY);
    }

    /**
     * An executor at {@code now} whose actions are: noop; restart_service, a shell action that appends a line to the
     * marker file (so a run is counted by the file, not by Vienna); fail_service, a shell action that exits 3; and
     * chatty, printing a lot.
     */
    private WarrantExecution executionAt(Instant now) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        String yaml = """
                limits:
                  shell: { concurrency: 1 }
                actions:
                  noop:
                    handler: noop
                  slow:
                    handler: shell
                    command: ["/bin/sleep", "1"]
                    timeout: 10s
                  restart_service:
                    handler: shell
                    command: ["/bin/sh", "-c", "echo ran >> \\"$1\\"; echo restarted", "restart", "${MARKER}"]
                    timeout: 10s
                  fail_service:
                    handler: shell
                    command: ["/bin/sh", "-c", "echo 'service not found' >&2; exit 3"]
                    timeout: 10s
                  chatty:
                    handler: shell
                    command: ["/bin/sh", "-c", "head -c 2000000 /dev/zero | tr '\\\\0' x"]
                    maxOutputBytes: 2000000
                    timeout: 10s
                """;
        Map<String, String> env = Map.of("MARKER", marker().toString());
        ActionCatalog catalog = ActionCatalog.parse(yaml, "test", env::get, Optional.empty());
        dispatcher = new ActionDispatcher(catalog, clock);
        var verifier = new WarrantVerifier(
                List.of(KEY.verifyOnly()),
                clock,
                Duration.ofSeconds(30),
                revocations,
                WarrantVerifier.SingleUse.NOT_TRACKED);
        return new WarrantExecution(
                verifier,
                "vienna-executor",
                catalog,
                dispatcher,
                c -> CompletableFuture.completedFuture(claimed.add(c.warrantId())),
                "exec-1",
                clock,
                agentId -> agentId.equals("suspended-agent")
                        ? Optional.of("agent suspended-agent is suspended: test")
                        : Optional.empty());
    }

    private Path marker() {
        return dir.resolve("runs.log");
    }

    private long runs() throws IOException {
        return Files.exists(marker()) ? Files.readAllLines(marker()).size() : 0;
    }

    private static ExecutionReported report(WarrantExecution execution, WarrantIssued warrant) {
        return execution.execute(warrant).join().orElseThrow();
    }

    @Test
    void shouldRunTheHandlerOfAVerifiedWarrantAndReportWhatRan() throws Exception {
        WarrantIssued warrant = warrant("restart_service", NOW);
        var result = report(executionAt(NOW), warrant);
        assertThat(result.getStatus()).as(result.getError()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.getHandler()).isEqualTo("shell");
        assertThat(result.getOutputJson()).contains("restarted");
        assertThat(result.getWarrantId()).isEqualTo("w-1");
        assertThat(result.getExecutorId()).isEqualTo("exec-1");
        assertThat(result.getActionDigest()).isEqualTo(warrant.getActionDigest());
        assertThat(result.getOutputDigest()).isEqualTo(ExecutionReports.outputDigest(result.getOutputJson()));
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void shouldRejectAnExpiredWarrantWithoutRunningAnything() throws Exception {
        var result = report(executionAt(NOW.plusSeconds(3600)), warrant("restart_service", NOW));
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(result.getError()).startsWith("EXPIRED");
        assertThat(runs()).isZero();
        assertThat(claimed).as("a refused warrant is not claimed").isEmpty();
    }

    @Test
    void shouldRunAWarrantOnceAndReportNothingForItsReplay() throws Exception {
        WarrantExecution execution = executionAt(NOW);
        WarrantIssued warrant = warrant("restart_service", NOW);
        assertThat(report(execution, warrant).getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.execute(warrant).join()).isEmpty();
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void shouldRejectAWarrantWhoseEventParamsWereChangedInTransit() throws Exception {
        WarrantIssued warrant = warrant("restart_service", NOW);
        warrant.setParamsJson("{\"graceful\":false}");
        var result = report(executionAt(NOW), warrant);
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(result.getError()).startsWith("ACTION_MISMATCH");
        assertThat(runs()).isZero();
    }

    @Test
    void shouldRejectAnActionWithoutAHandler() {
        var result = report(executionAt(NOW), warrant("drop_database", NOW));
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(result.getError()).contains("no built-in handler for action 'drop_database'");
    }

    @Test
    void shouldReportAFailedHandlerWithItsExitCodeAndStderr() {
        var result = report(executionAt(NOW), warrant("fail_service", NOW));
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.getError()).contains("3").contains("service not found");
    }

    @Test
    void shouldReportAnOutputTooLargeForARecordByItsSizeAndDigest() {
        var result = report(executionAt(NOW), warrant("chatty", NOW));
        assertThat(result.getStatus()).as(result.getError()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.getOutputJson()).startsWith("{\"truncated\":true,\"bytes\":");
        assertThat(result.getOutputDigest()).hasSize(64);
        byte[] record = Topics.EXECUTIONS.valueSerde().serializer().serialize(Topics.EXECUTIONS.name(), result);
        assertThat(record.length).isLessThan(4096);
    }

    @Test
    void shouldCutAnOverlongError() {
        String error = "e".repeat(100_000);
        assertThat(WarrantExecution.cut(error)).hasSize(WarrantExecution.MAX_ERROR_CHARS);
        assertThat(WarrantExecution.cut("short")).isEqualTo("short");
    }

    @Test
    void shouldRejectASuspendedAgentsWarrantWithoutRunningAnything() throws Exception {
        WarrantIssued warrant = warrant("restart_service", NOW);
        warrant.setAgentId("suspended-agent");
        var result = report(executionAt(NOW), warrant);
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(result.getError()).isEqualTo("AGENT_INACTIVE: agent suspended-agent is suspended: test");
        assertThat(runs()).isZero();
    }

    @Test
    void shouldRunNothingWhenAnotherExecutorClaimedTheWarrantFirst() throws Exception {
        WarrantExecution execution = executionAt(NOW);
        claimed.add("w-1");
        assertThat(execution.execute(warrant("restart_service", NOW)).join()).isEmpty();
        assertThat(runs()).isZero();
    }

    @Test
    void shouldNotRunAWarrantRevokedWhileItWaitedForAHandlerSlot() throws Exception {
        WarrantExecution execution = executionAt(NOW);
        // the one shell slot is busy, so the restart waits for it, unclaimed
        var busy = execution.execute(warrant("slow", NOW, "w-slow"));
        var waiting = execution.execute(warrant("restart_service", NOW));
        revocations.revokeWarrant("w-1");

        var result = waiting.join().orElseThrow();
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(result.getError()).startsWith("REVOKED");
        assertThat(claimed).as("a warrant refused before it ran is not claimed").doesNotContain("w-1");
        assertThat(runs()).isZero();
        assertThat(busy.join().orElseThrow().getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }
}
