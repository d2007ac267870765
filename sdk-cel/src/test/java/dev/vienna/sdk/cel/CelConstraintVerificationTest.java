package dev.vienna.sdk.cel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.ConstraintEvaluator;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantTokens;
import dev.vienna.sdk.warrant.WarrantVerifier;
import dev.vienna.sdk.warrant.WarrantVerifier.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sdk's verifier with this module on the class path: constraint expressions are evaluated, and fail closed. */
class CelConstraintVerificationTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final WarrantKey KEY = WarrantKey.generateEd25519("k1");
    private static final ActionRequest RESTART =
            new ActionRequest("agent-7", "restart_service", "api-gateway", "{\"graceful\":true,\"timeout\":30}");

    private static WarrantClaims claims(Map<String, String> constraints) {
        return new WarrantClaims(
                "vienna",
                RESTART.agentId(),
                "vienna-executor",
                "wrt-1",
                NOW,
                NOW,
                NOW.plusSeconds(900),
                "int-1",
                "acme",
                RESTART.action(),
                RESTART.resource(),
                WarrantClaims.Tier.T1,
                WarrantClaims.Mode.DIRECT,
                constraints,
                List.of(),
                "v1",
                RESTART.digest());
    }

    private final Set<String> used = new HashSet<>();
    private final WarrantVerifier verifier = new WarrantVerifier(
            List.of(KEY.verifyOnly()),
            Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofSeconds(30),
            WarrantVerifier.Revocations.NONE,
            w -> used.add(w.warrantId()));

    @Test
    void shouldFindTheCelEvaluatorOnTheClassPath() {
        assertThat(ConstraintEvaluator.discover()).isInstanceOf(CelConstraintEvaluator.class);
    }

    @Test
    void shouldAcceptAnActionInsideItsConstraints() {
        var verification = verifier.verify(
                WarrantTokens.sign(claims(Map.of("timeout_cap", "params.timeout <= 60")), KEY),
                "vienna-executor",
                RESTART);
        assertThat(verification.valid()).as(verification.detail()).isTrue();
        assertThat(used).containsExactly("wrt-1");
    }

    @Test
    void shouldRejectParamsOutsideTheConstraintsEvenWhenTheDigestMatches() {
        // given a warrant whose constraint the authorized params themselves break (timeout 30 > 10)
        String token = WarrantTokens.sign(claims(Map.of("timeout_cap", "params.timeout <= 10")), KEY);
        // when it is presented for exactly its action
        var verification = verifier.verify(token, "vienna-executor", RESTART);
        // then it is refused for the constraint, naming it, and not consumed
        assertThat(verification.reason()).isEqualTo(Reason.CONSTRAINT_VIOLATED);
        assertThat(verification.detail()).contains("timeout_cap").contains("params.timeout <= 10");
        assertThat(used).isEmpty();
    }
}
