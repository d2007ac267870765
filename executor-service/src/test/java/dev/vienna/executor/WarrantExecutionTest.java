package dev.vienna.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.kafka.events.WarrantEvents;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WarrantExecutionTest {

    static final WarrantKey KEY = WarrantKey.generateEd25519("k1");
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    static WarrantIssued warrant(String action, Instant issuedAt) {
        String params = "{\"graceful\":true}";
        ActionRequest request = new ActionRequest("agent-7", action, "api", params);
        WarrantClaims claims = new WarrantClaims(
                "vienna",
                "agent-7",
                "vienna-executor",
                "w-1",
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

    private WarrantExecution executionAt(Instant now, Map<String, Handler> handlers) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        Set<String> claimed = new HashSet<>();
        var verifier = new WarrantVerifier(
                List.of(KEY.verifyOnly()),
                clock,
                Duration.ofSeconds(30),
                WarrantVerifier.Revocations.NONE,
                c -> claimed.add(c.warrantId()));
        return new WarrantExecution(
                verifier,
                "vienna-executor",
                handlers,
                "exec-1",
                clock,
                agentId -> agentId.equals("suspended-agent")
                        ? Optional.of("agent suspended-agent is suspended: test")
                        : Optional.empty());
    }

    @Test
    void shouldRunTheHandlerOfAVerifiedWarrantAndReportItsOutput() {
        var result =
                executionAt(NOW, Map.of("restart_service", new NoopHandler())).execute(warrant("restart_service", NOW));
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.getHandler()).isEqualTo("noop");
        assertThat(result.getOutputJson()).isEqualTo("{\"graceful\":true}");
        assertThat(result.getWarrantId()).isEqualTo("w-1");
        assertThat(result.getExecutorId()).isEqualTo("exec-1");
    }

    @Test
    void shouldRejectAnExpiredWarrantWithoutRunningAnything() {
        var calls = new AtomicInteger();
        Handler counting = new Handler() {
            public String name() {
                return "counting";
            }

            public String run(WarrantIssued w) {
                calls.incrementAndGet();
                return "{}";
            }
        };
        var result = executionAt(NOW.plusSeconds(3600), Map.of("restart_service", counting))
                .execute(warrant("restart_service", NOW));
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(result.getError()).startsWith("EXPIRED");
        assertThat(calls).hasValue(0);
    }

    @Test
    void shouldRunAWarrantOnceAndRejectItsReplay() {
        WarrantExecution execution = executionAt(NOW, Map.of("restart_service", new NoopHandler()));
        WarrantIssued warrant = warrant("restart_service", NOW);
        assertThat(execution.execute(warrant).getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
        var replay = execution.execute(warrant);
        assertThat(replay.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(replay.getError()).startsWith("ALREADY_USED");
    }

    @Test
    void shouldRejectAWarrantWhoseEventParamsWereChangedInTransit() {
        WarrantIssued warrant = warrant("restart_service", NOW);
        warrant.setParamsJson("{\"graceful\":false}");
        var result =
                executionAt(NOW, Map.of("restart_service", new NoopHandler())).execute(warrant);
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(result.getError()).startsWith("ACTION_MISMATCH");
    }

    @Test
    void shouldRejectAnActionWithoutAHandler() {
        var result = executionAt(NOW, Map.of()).execute(warrant("drop_database", NOW));
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(result.getError()).contains("no built-in handler for action 'drop_database'");
    }

    @Test
    void shouldReportAFailedHandler() {
        Handler failing = new Handler() {
            public String name() {
                return "failing";
            }

            public String run(WarrantIssued w) {
                throw new IllegalStateException("service not found");
            }
        };
        var result = executionAt(NOW, Map.of("restart_service", failing)).execute(warrant("restart_service", NOW));
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.getError()).contains("service not found");
    }

    @Test
    void shouldReportAnOutputTooLargeForARecordByItsSizeAndDigest() throws Exception {
        String huge = "x".repeat(2 * 1024 * 1024);
        Handler verbose = new Handler() {
            public String name() {
                return "verbose";
            }

            public String run(WarrantIssued w) {
                return huge;
            }
        };
        var result = executionAt(NOW, Map.of("restart_service", verbose)).execute(warrant("restart_service", NOW));
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String sha256 = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(huge.getBytes(StandardCharsets.UTF_8)));
        assertThat(result.getOutputJson())
                .isEqualTo("{\"truncated\":true,\"bytes\":2097152,\"sha256\":\"" + sha256 + "\"}");
        byte[] record = Topics.EXECUTIONS.valueSerde().serializer().serialize(Topics.EXECUTIONS.name(), result);
        assertThat(record.length).isLessThan(4096);
    }

    @Test
    void shouldCutAnOverlongHandlerError() {
        Handler failing = new Handler() {
            public String name() {
                return "failing";
            }

            public String run(WarrantIssued w) {
                throw new IllegalStateException("e".repeat(100_000));
            }
        };
        var result = executionAt(NOW, Map.of("restart_service", failing)).execute(warrant("restart_service", NOW));
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.getError())
                .hasSize(WarrantExecution.MAX_ERROR_CHARS)
                .startsWith("IllegalStateException: eee");
    }

    @Test
    void shouldRejectASuspendedAgentsWarrantWithoutRunningAnything() {
        AtomicInteger runs = new AtomicInteger();
        Handler counting = new Handler() {
            public String name() {
                return "counting";
            }

            public String run(WarrantIssued w) {
                runs.incrementAndGet();
                return "{}";
            }
        };
        WarrantIssued warrant = warrant("restart_service", NOW);
        warrant.setAgentId("suspended-agent");
        var result = executionAt(NOW, Map.of("restart_service", counting)).execute(warrant);
        assertThat(result.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
        assertThat(result.getError()).isEqualTo("AGENT_INACTIVE: agent suspended-agent is suspended: test");
        assertThat(runs).hasValue(0);
    }
}
