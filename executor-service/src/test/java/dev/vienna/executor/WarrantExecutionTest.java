package dev.vienna.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionStatus;
import dev.vienna.events.Tier;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.WarrantKey;
import dev.vienna.sdk.WarrantSignatures;
import dev.vienna.sdk.WarrantVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarrantExecutionTest {

  static final WarrantKey KEY = WarrantKey.generateEd25519("k1");
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  static WarrantIssued warrant(String action, Instant issuedAt) {
    return WarrantSignatures.sign(
        WarrantIssued.newBuilder()
            .setEventId("e").setIntentId("i-1").setTenantId("acme").setOccurredAt(issuedAt)
            .setWarrantId("w-1").setAgentId("agent-7").setAction(action).setResource("api")
            .setParamsJson("{\"graceful\":true}").setTier(Tier.T1).setMode(ExecutionMode.DIRECT)
            .setPolicyVersion("v").setIssuedAt(issuedAt).setExpiresAt(issuedAt.plusSeconds(900)),
        KEY);
  }

  private WarrantExecution executionAt(Instant now, Map<String, Handler> handlers) {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    return new WarrantExecution(new WarrantVerifier(List.of(KEY.verifyOnly()), clock, Duration.ofSeconds(30)), handlers, "exec-1", clock);
  }

  @Test
  void shouldRunTheHandlerOfAVerifiedWarrantAndReportItsOutput() {
    var result = executionAt(NOW, Map.of("restart_service", new NoopHandler())).execute(warrant("restart_service", NOW));
    assertThat(result.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(result.getHandler()).isEqualTo("noop");
    assertThat(result.getOutputJson()).isEqualTo("{\"graceful\":true}");
    assertThat(result.getWarrantId()).isEqualTo("w-1");
    assertThat(result.getExecutorId()).isEqualTo("exec-1");
  }

  @Test
  void shouldRejectAnExpiredWarrantWithoutRunningAnything() {
    var calls = new java.util.concurrent.atomic.AtomicInteger();
    Handler counting = new Handler() {
      public String name() { return "counting"; }
      public String run(WarrantIssued w) { calls.incrementAndGet(); return "{}"; }
    };
    var result = executionAt(NOW.plusSeconds(3600), Map.of("restart_service", counting)).execute(warrant("restart_service", NOW));
    assertThat(result.getStatus()).isEqualTo(ExecutionStatus.REJECTED);
    assertThat(result.getError()).startsWith("EXPIRED");
    assertThat(calls).hasValue(0);
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
      public String name() { return "failing"; }
      public String run(WarrantIssued w) { throw new IllegalStateException("service not found"); }
    };
    var result = executionAt(NOW, Map.of("restart_service", failing)).execute(warrant("restart_service", NOW));
    assertThat(result.getStatus()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(result.getError()).contains("service not found");
  }
}
