package dev.vienna.sdk.warrant;

import static dev.vienna.sdk.warrant.SdkFixtures.EXECUTOR;
import static dev.vienna.sdk.warrant.SdkFixtures.NOW;
import static dev.vienna.sdk.warrant.SdkFixtures.RESTART;
import static dev.vienna.sdk.warrant.SdkFixtures.claims;
import static dev.vienna.sdk.warrant.SdkFixtures.claimsWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.WarrantVerifier.Reason;
import dev.vienna.sdk.warrant.WarrantVerifier.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One test per attack on a warrant; each must be refused with its own reason. */
class WarrantVerifierTest {

    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final WarrantKey ED = WarrantKey.generateEd25519("k1");

    private static WarrantKey keyFor(SignatureAlgorithm algorithm) {
        return algorithm == SignatureAlgorithm.ED25519
                ? WarrantKey.generateEd25519("k1")
                : WarrantKey.generateHmac("k1");
    }

    private static WarrantKey verifying(WarrantKey key) {
        return key.algorithm() == SignatureAlgorithm.ED25519 ? key.verifyOnly() : key;
    }

    private static Verification verifyAt(Instant now, String token, WarrantKey key) {
        return new WarrantVerifier(List.of(verifying(key)), Clock.fixed(now, ZoneOffset.UTC), SKEW)
                .verify(token, EXECUTOR, RESTART);
    }

    /** The token with its payload replaced and the original signature kept. */
    private static String withPayload(String token, String from, String to) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8).replace(from, to);
        return parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void shouldAcceptAValidWarrantForExactlyItsAction(SignatureAlgorithm algorithm) {
        WarrantKey key = keyFor(algorithm);
        Verification verification = verifyAt(NOW.plusSeconds(60), WarrantTokens.sign(claims(), key), key);
        assertThat(verification.valid()).as(verification.detail()).isTrue();
        assertThat(verification.claims()).isEqualTo(claims());
    }

    @Test
    void shouldProduceTheSameTokenForTheSameClaimsAndKey() {
        assertThat(WarrantTokens.sign(claims(), ED)).isEqualTo(WarrantTokens.sign(claims(), ED));
    }

    @Test
    void shouldRejectABadSignature() {
        String token = WarrantTokens.sign(claims(), ED);
        char last = token.charAt(token.length() - 2);
        String tampered =
                token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertThat(verifyAt(NOW, tampered, ED).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void shouldRejectAWarrantWithOneChangedClaim(SignatureAlgorithm algorithm) {
        WarrantKey key = keyFor(algorithm);
        String stretched = withPayload(WarrantTokens.sign(claims(), key), "\"tier\":\"T1\"", "\"tier\":\"T0\"");
        assertThat(verifyAt(NOW, stretched, key).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void shouldRejectAlgNone() {
        String signed = WarrantTokens.sign(claims(), ED);
        String unsecured = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"vienna-warrant+jwt\",\"kid\":\"k1\"}") + "."
                + signed.split("\\.")[1] + ".";
        assertThat(verifyAt(NOW, unsecured, ED).reason()).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void shouldRejectAnAlgorithmOutsideTheAllowList() {
        String signed = WarrantTokens.sign(claims(), ED);
        String[] parts = signed.split("\\.");
        String rs256 = Base64URL.encode("{\"alg\":\"RS256\",\"typ\":\"vienna-warrant+jwt\",\"kid\":\"k1\"}") + "."
                + parts[1] + "." + parts[2];
        assertThat(verifyAt(NOW, rs256, ED).reason()).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void shouldRejectAnHs256TokenSignedWithTheEd25519PublicKeyBytes() {
        // the algorithm-confusion attack: the public key, known to everyone, used as an HMAC secret
        WarrantKey confused = WarrantKey.hmac("k1", Base64.getUrlEncoder().encodeToString(ED.publicKey()));
        String forged = WarrantTokens.sign(claims(), confused);
        assertThat(verifyAt(NOW, forged, ED).reason()).isEqualTo(Reason.ALGORITHM_MISMATCH);
    }

    @Test
    void shouldRejectAWarrantSignedWithUnknownKey() {
        String token = WarrantTokens.sign(claims(), WarrantKey.generateEd25519("rogue"));
        assertThat(verifyAt(NOW, token, ED).reason()).isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void shouldRejectAWarrantForgedWithAnotherKeyUnderAKnownKeyId() {
        String forged = WarrantTokens.sign(claims(), WarrantKey.generateEd25519("k1"));
        assertThat(verifyAt(NOW, forged, ED).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void shouldRejectAnExpiredWarrantBeyondTheSkewOnly() {
        String token = WarrantTokens.sign(claims(), ED);
        assertThat(verifyAt(NOW.plusSeconds(900 + 29), token, ED).valid()).isTrue();
        assertThat(verifyAt(NOW.plusSeconds(900 + 30), token, ED).reason()).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void shouldRejectAWarrantNotYetValid() {
        assertThat(verifyAt(NOW.minusSeconds(31), WarrantTokens.sign(claims(), ED), ED)
                        .reason())
                .isEqualTo(Reason.NOT_YET_VALID);
    }

    @Test
    void shouldRejectAWarrantForAnotherAudience() {
        var verifier = new WarrantVerifier(List.of(ED.verifyOnly()), Clock.fixed(NOW, ZoneOffset.UTC), SKEW);
        assertThat(verifier.verify(WarrantTokens.sign(claims(), ED), "agent:agent-7", RESTART)
                        .reason())
                .isEqualTo(Reason.WRONG_AUDIENCE);
    }

    @Test
    void shouldRejectAWarrantPresentedByAnotherAgent() {
        var verifier = new WarrantVerifier(List.of(ED.verifyOnly()), Clock.fixed(NOW, ZoneOffset.UTC), SKEW);
        var other = new ActionRequest("agent-8", RESTART.action(), RESTART.resource(), RESTART.paramsJson());
        assertThat(verifier.verify(WarrantTokens.sign(claims(), ED), EXECUTOR, other)
                        .reason())
                .isEqualTo(Reason.WRONG_AGENT);
    }

    @Test
    void shouldRejectParamsOtherThanTheAuthorizedOnes() {
        var verifier = new WarrantVerifier(List.of(ED.verifyOnly()), Clock.fixed(NOW, ZoneOffset.UTC), SKEW);
        var escalated = new ActionRequest(
                RESTART.agentId(), RESTART.action(), RESTART.resource(), "{\"graceful\":false,\"timeout\":30}");
        var otherResource = new ActionRequest(RESTART.agentId(), RESTART.action(), "payments-db", RESTART.paramsJson());
        String token = WarrantTokens.sign(claims(), ED);
        assertThat(verifier.verify(token, EXECUTOR, escalated).reason()).isEqualTo(Reason.ACTION_MISMATCH);
        assertThat(verifier.verify(token, EXECUTOR, otherResource).reason()).isEqualTo(Reason.ACTION_MISMATCH);
    }

    @Test
    void shouldRefuseAConstraintItCannotEvaluateWithoutConsumingTheWarrant() {
        // given a warrant with a constraint expression, and a verifier with no CEL evaluator on its class path
        Set<String> used = new HashSet<>();
        var verifier = new WarrantVerifier(
                List.of(ED.verifyOnly()),
                Clock.fixed(NOW, ZoneOffset.UTC),
                SKEW,
                WarrantVerifier.Revocations.NONE,
                w -> used.add(w.warrantId()));
        String token = WarrantTokens.sign(claimsWith(Map.of("timeout_cap", "params.timeout <= 60")), ED);
        // when it is presented for exactly its action
        Verification verification = verifier.verify(token, EXECUTOR, RESTART);
        // then it fails closed, naming the constraint and what is missing, and is not consumed
        assertThat(verification.reason()).isEqualTo(Reason.CONSTRAINT_VIOLATED);
        assertThat(verification.detail()).contains("timeout_cap").contains("vienna-sdk-cel");
        assertThat(used).isEmpty();
    }

    @Test
    void shouldAcceptParamsThatDifferOnlyInKeyOrderWhiteSpaceAndNumberSpelling() {
        var verifier = new WarrantVerifier(List.of(ED.verifyOnly()), Clock.fixed(NOW, ZoneOffset.UTC), SKEW);
        var same = new ActionRequest(
                RESTART.agentId(), RESTART.action(), RESTART.resource(), "{ \"timeout\": 30.0, \"graceful\": true }");
        assertThat(verifier.verify(WarrantTokens.sign(claims(), ED), EXECUTOR, same)
                        .valid())
                .isTrue();
    }

    @Test
    void shouldCheckAVerifiedWarrantAgainForWhatCanChangeWhileItWaits() {
        RevocationList revocations = new RevocationList();
        Instant[] now = {NOW};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        var verifier = new WarrantVerifier(
                List.of(ED.verifyOnly()), clock, SKEW, revocations, WarrantVerifier.SingleUse.NOT_TRACKED);
        Verification first = verifier.verify(WarrantTokens.sign(claims(), ED), EXECUTOR, RESTART);
        assertThat(first.valid()).as(first.detail()).isTrue();

        // still valid a moment later
        assertThat(verifier.verifyAgain(first, EXECUTOR, RESTART).valid()).isTrue();
        // not for another action, nor for another audience
        var other = new ActionRequest(RESTART.agentId(), RESTART.action(), "other-resource", RESTART.paramsJson());
        assertThat(verifier.verifyAgain(first, EXECUTOR, other).reason()).isEqualTo(Reason.ACTION_MISMATCH);
        assertThat(verifier.verifyAgain(first, "agent:x", RESTART).reason()).isEqualTo(Reason.WRONG_AUDIENCE);
        // revoked while it waited
        revocations.revokeWarrant(first.claims().warrantId());
        assertThat(verifier.verifyAgain(first, EXECUTOR, RESTART).reason()).isEqualTo(Reason.REVOKED);
        // expired while it waited
        var unrevoked = new WarrantVerifier(List.of(ED.verifyOnly()), clock, SKEW);
        now[0] = claims().expiresAt().plus(SKEW);
        assertThat(unrevoked.verifyAgain(first, EXECUTOR, RESTART).reason()).isEqualTo(Reason.EXPIRED);
        // a refusal stays one, and nothing is no verification
        Verification refused = verifier.verify("not.a.token", EXECUTOR, RESTART);
        assertThat(verifier.verifyAgain(refused, EXECUTOR, RESTART)).isEqualTo(refused);
        assertThat(verifier.verifyAgain(null, EXECUTOR, RESTART).valid()).isFalse();
    }

    @Test
    void shouldRejectAReplayedWarrant() {
        Set<String> used = new HashSet<>();
        var verifier = new WarrantVerifier(
                List.of(ED.verifyOnly()),
                Clock.fixed(NOW, ZoneOffset.UTC),
                SKEW,
                WarrantVerifier.Revocations.NONE,
                c -> used.add(c.warrantId()));
        String token = WarrantTokens.sign(claims(), ED);
        assertThat(verifier.verify(token, EXECUTOR, RESTART).valid()).isTrue();
        assertThat(verifier.verify(token, EXECUTOR, RESTART).reason()).isEqualTo(Reason.ALREADY_USED);
    }

    @Test
    void shouldRejectARevokedWarrantWithoutConsumingIt() {
        Set<String> used = new HashSet<>();
        var verifier = new WarrantVerifier(
                List.of(ED.verifyOnly()),
                Clock.fixed(NOW, ZoneOffset.UTC),
                SKEW,
                c -> c.warrantId().equals("wrt-1"),
                c -> used.add(c.warrantId()));
        assertThat(verifier.verify(WarrantTokens.sign(claims(), ED), EXECUTOR, RESTART)
                        .reason())
                .isEqualTo(Reason.REVOKED);
        assertThat(used).isEmpty();
    }

    @Test
    void shouldRejectTokensThatAreNotWarrants() {
        assertThat(verifyAt(NOW, "not-a-token", ED).reason()).isEqualTo(Reason.MALFORMED);
        assertThat(verifyAt(NOW, "", ED).reason()).isEqualTo(Reason.MALFORMED);
        String untyped = withPayload(WarrantTokens.sign(claims(), ED), "\"actionDigest\"", "\"otherClaim\"");
        assertThat(verifyAt(NOW, untyped, ED).reason()).isEqualTo(Reason.MALFORMED);
    }
}
