package dev.vienna.sdk.warrant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Key-bound PASSBACK warrants (cnf.jkt), proofs of possession and signed execution reports. */
class KeyBoundWarrantTest {

    private static final Clock CLOCK = Clock.fixed(SdkFixtures.NOW.plusSeconds(60), ZoneOffset.UTC);
    private final WarrantKey signing = WarrantKey.generateEd25519("warrant-key-1");
    private final WarrantKey agentKey = WarrantKey.generateEd25519("agent-7-1");
    private final WarrantKey otherKey = WarrantKey.generateEd25519("agent-7-2");
    private final WarrantVerifier verifier = new WarrantVerifier(List.of(signing.verifyOnly()), CLOCK, Duration.ZERO);

    private static String encoded(WarrantKey key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.publicKey());
    }

    private WarrantClaims passback(String thumbprint) {
        WarrantClaims c = SdkFixtures.claims();
        WarrantClaims unbound = new WarrantClaims(
                c.issuer(),
                c.agentId(),
                "agent:" + c.agentId(),
                c.warrantId(),
                c.issuedAt(),
                c.notBefore(),
                c.expiresAt(),
                c.intentId(),
                c.tenantId(),
                c.action(),
                c.resource(),
                WarrantClaims.Tier.T3,
                WarrantClaims.Mode.PASSBACK,
                c.constraints(),
                c.approvedBy(),
                c.policyVersion(),
                c.actionDigest());
        return thumbprint == null ? unbound : unbound.boundTo(thumbprint);
    }

    private String thumbprint(WarrantKey key) {
        return KeyThumbprints.ofEd25519(encoded(key)).orElseThrow();
    }

    @Test
    void shouldComputeTheThumbprintOfRfc8037() {
        // RFC 8037 appendix A.3: the Ed25519 key of A.2 has this RFC 7638 thumbprint
        assertThat(KeyThumbprints.ofEd25519("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"))
                .contains("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
        assertThat(KeyThumbprints.ofEd25519("short")).isEmpty();
        assertThat(KeyThumbprints.ofEd25519("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR!"))
                .isEmpty();
        assertThat(KeyThumbprints.ofEd25519(null)).isEmpty();
    }

    @Test
    void shouldCarryTheConfirmationKeyInTheToken() throws Exception {
        String token = WarrantTokens.sign(passback(thumbprint(agentKey)), signing);
        WarrantClaims read = WarrantTokens.readUnverified(token);
        assertThat(read.confirmationThumbprint()).isEqualTo(thumbprint(agentKey));
        assertThat(WarrantTokens.readUnverified(WarrantTokens.sign(SdkFixtures.claims(), signing))
                        .confirmationThumbprint())
                .isNull();
    }

    @Test
    void shouldAcceptTheHolderOfTheBoundKeyOnly() {
        String token = WarrantTokens.sign(passback(thumbprint(agentKey)), signing);
        String audience = "agent:" + SdkFixtures.RESTART.agentId();
        var holder = verifier.verify(token, audience, SdkFixtures.RESTART, WarrantVerifier.Presenter.holding(agentKey));
        var other = verifier.verify(token, audience, SdkFixtures.RESTART, WarrantVerifier.Presenter.holding(otherKey));
        var copied = verifier.verify(token, audience, SdkFixtures.RESTART);
        assertThat(holder.valid()).as(holder.detail()).isTrue();
        assertThat(other.reason()).isEqualTo(WarrantVerifier.Reason.KEY_NOT_PROVEN);
        assertThat(copied.reason()).isEqualTo(WarrantVerifier.Reason.KEY_NOT_PROVEN);
        assertThat(copied.detail()).contains("no proof of possession");
    }

    @Test
    void shouldRefuseAPassbackWarrantBoundToNoKey() {
        String token = WarrantTokens.sign(passback(null), signing);
        var verification = verifier.verify(
                token,
                "agent:" + SdkFixtures.RESTART.agentId(),
                SdkFixtures.RESTART,
                WarrantVerifier.Presenter.holding(agentKey));
        assertThat(verification.reason()).isEqualTo(WarrantVerifier.Reason.KEY_NOT_PROVEN);
        assertThat(verification.detail()).contains("must be bound");
    }

    @Test
    void shouldAcceptAFreshProofForItsWarrantAndPurposeOnly() {
        String token = WarrantTokens.sign(passback(thumbprint(agentKey)), signing);
        String audience = "agent:" + SdkFixtures.RESTART.agentId();
        Instant now = CLOCK.instant();
        Duration age = Duration.ofMinutes(2);
        String proof = PossessionProofs.sign("wrt-1", PossessionProofs.VERIFY, now, agentKey);
        assertThat(verifier.verify(
                                token,
                                audience,
                                SdkFixtures.RESTART,
                                WarrantVerifier.Presenter.proving(proof, PossessionProofs.VERIFY, CLOCK, age))
                        .valid())
                .isTrue();
        Map<String, String> refusals = Map.of(
                "for warrant", PossessionProofs.sign("wrt-2", PossessionProofs.VERIFY, now, agentKey),
                "not verify", PossessionProofs.sign("wrt-1", PossessionProofs.CLAIM, now, agentKey),
                "bound to key", PossessionProofs.sign("wrt-1", PossessionProofs.VERIFY, now, otherKey),
                "more than", PossessionProofs.sign("wrt-1", PossessionProofs.VERIFY, now.minusSeconds(600), agentKey),
                "not a compact JWS", "garbage",
                "typ must be", ExecutionReports.sign(report("wrt-1"), agentKey));
        refusals.forEach((why, bad) -> {
            var verification = verifier.verify(
                    token,
                    audience,
                    SdkFixtures.RESTART,
                    WarrantVerifier.Presenter.proving(bad, PossessionProofs.VERIFY, CLOCK, age));
            assertThat(verification.reason()).as(why).isEqualTo(WarrantVerifier.Reason.KEY_NOT_PROVEN);
            assertThat(verification.detail()).as(why).contains(why);
        });
    }

    private static ExecutionReport report(String warrantId) {
        return new ExecutionReport(
                warrantId,
                "int-1",
                "agent-7",
                SdkFixtures.RESTART.digest(),
                ExecutionReport.Status.SUCCEEDED,
                SdkFixtures.NOW.plusSeconds(61),
                SdkFixtures.NOW.plusSeconds(62),
                ExecutionReports.outputDigest("{\"ok\":true}"),
                null);
    }

    @Test
    void shouldVerifyASignedReportByTheBoundKey() {
        String signed = ExecutionReports.sign(report("wrt-1"), agentKey);
        var verification = ExecutionReports.verify(signed, thumbprint(agentKey));
        assertThat(verification.valid()).as(verification.problem()).isTrue();
        assertThat(verification.report()).isEqualTo(report("wrt-1"));
        assertThat(verification.keyId()).isEqualTo("agent-7-1");
        assertThat(ExecutionReports.verify(signed, thumbprint(otherKey)).problem())
                .contains("bound to key");
        assertThat(ExecutionReports.verify(signed, null).problem()).contains("bound to no key");
    }

    @Test
    void shouldRefuseATamperedReport() {
        String signed = ExecutionReports.sign(report("wrt-1"), agentKey);
        String[] parts = signed.split("\\.");
        String forged = parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]))
                                .replace("SUCCEEDED", "FAILED")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + parts[2];
        assertThat(ExecutionReports.verify(forged, thumbprint(agentKey)).problem())
                .contains("signature does not match");
        assertThat(ExecutionReports.verify("a.b", thumbprint(agentKey)).valid()).isFalse();
        assertThat(ExecutionReports.verify("x".repeat(20_000), thumbprint(agentKey))
                        .problem())
                .contains("longer than");
    }

    @Test
    void shouldNameTheWarrantOfAReportBeforeItsKeyIsKnownAndNothingElse() {
        assertThat(ExecutionReports.warrantIdOf(ExecutionReports.sign(report("wrt-1"), agentKey)))
                .contains("wrt-1");
        assertThat(ExecutionReports.warrantIdOf("not-a-jws")).isEmpty();
        assertThat(ExecutionReports.warrantIdOf(null)).isEmpty();
        assertThat(ExecutionReports.warrantIdOf(
                        PossessionProofs.sign("", PossessionProofs.CLAIM, SdkFixtures.NOW, agentKey)))
                .isEmpty();
    }

    @Test
    void shouldReplaceAnOutputTooLargeForAnEventByItsSizeAndDigest() {
        String huge = "x".repeat(ExecutionReports.MAX_OUTPUT_CHARS + 1);
        assertThat(ExecutionReports.boundedOutput(huge))
                .isEqualTo("{\"truncated\":true,\"bytes\":" + huge.length() + ",\"sha256\":\""
                        + ExecutionReports.outputDigest(huge) + "\"}");
        assertThat(ExecutionReports.boundedOutput("{\"ok\":true}")).isEqualTo("{\"ok\":true}");
        assertThat(ExecutionReports.boundedOutput(null)).isNull();
    }
}
