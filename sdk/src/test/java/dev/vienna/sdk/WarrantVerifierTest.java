package dev.vienna.sdk;

import static dev.vienna.sdk.SdkFixtures.NOW;
import static dev.vienna.sdk.SdkFixtures.unsignedWarrant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.SignatureAlgorithm;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.WarrantVerifier.Verification.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class WarrantVerifierTest {

  private static final Duration SKEW = Duration.ofSeconds(30);

  private static WarrantKey keyFor(SignatureAlgorithm algorithm) {
    return algorithm == SignatureAlgorithm.ED25519 ? WarrantKey.generateEd25519("k1") : WarrantKey.generateHmac("k1");
  }

  private static WarrantVerifier verifierAt(Instant now, WarrantKey... keys) {
    return new WarrantVerifier(List.of(keys), Clock.fixed(now, ZoneOffset.UTC), SKEW);
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void shouldAcceptAWarrantSignedWithAKnownKey(SignatureAlgorithm algorithm) {
    WarrantKey key = keyFor(algorithm);
    WarrantIssued warrant = WarrantSignatures.sign(unsignedWarrant(), key);
    WarrantKey verifierKey = algorithm == SignatureAlgorithm.ED25519 ? key.verifyOnly() : key;
    assertThat(verifierAt(NOW.plusSeconds(60), verifierKey).verify(warrant).valid()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void shouldRejectAWarrantWhoseResourceWasChanged(SignatureAlgorithm algorithm) {
    WarrantKey key = keyFor(algorithm);
    WarrantIssued warrant = WarrantSignatures.sign(unsignedWarrant(), key);
    warrant.setResource("payments-db");
    assertThat(verifierAt(NOW, key).verify(warrant).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void shouldRejectAWarrantWhoseParamsWereChanged() {
    WarrantKey key = WarrantKey.generateEd25519("k1");
    WarrantIssued warrant = WarrantSignatures.sign(unsignedWarrant(), key);
    warrant.setParamsJson("{\"graceful\":false}");
    assertThat(verifierAt(NOW, key).verify(warrant).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void shouldAcceptParamsThatDifferOnlyInKeyOrderAndWhiteSpace() {
    WarrantKey key = WarrantKey.generateEd25519("k1");
    WarrantIssued warrant = WarrantSignatures.sign(unsignedWarrant().setParamsJson("{\"a\":1,\"b\":2}"), key);
    warrant.setParamsJson("{ \"b\": 2, \"a\": 1 }");
    assertThat(verifierAt(NOW, key).verify(warrant).valid()).isTrue();
  }

  @Test
  void shouldRejectAWarrantSignedWithUnknownKey() {
    WarrantIssued warrant = WarrantSignatures.sign(unsignedWarrant(), WarrantKey.generateEd25519("rogue"));
    assertThat(verifierAt(NOW, WarrantKey.generateEd25519("k1")).verify(warrant).reason()).isEqualTo(Reason.UNKNOWN_KEY);
  }

  @Test
  void shouldRejectAWarrantForgedWithAnotherKeyUnderAKnownKeyId() {
    WarrantIssued forged = WarrantSignatures.sign(unsignedWarrant(), WarrantKey.generateEd25519("k1"));
    assertThat(verifierAt(NOW, WarrantKey.generateEd25519("k1")).verify(forged).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void shouldRejectAnHmacWarrantMadeWithThePublicKeyBytes() {
    // the algorithm-confusion attack: sign HMAC with the (public) Ed25519 key bytes as the secret
    WarrantKey ed = WarrantKey.generateEd25519("k1");
    WarrantKey confused = WarrantKey.hmac("k1", Base64.getUrlEncoder().encodeToString(ed.publicKey()));
    WarrantIssued warrant = WarrantSignatures.sign(unsignedWarrant(), confused);
    assertThat(verifierAt(NOW, ed.verifyOnly()).verify(warrant).reason()).isEqualTo(Reason.ALGORITHM_MISMATCH);
  }

  @Test
  void shouldRejectAnExpiredWarrantBeyondTheSkew() {
    WarrantKey key = WarrantKey.generateEd25519("k1");
    WarrantIssued warrant = WarrantSignatures.sign(unsignedWarrant(), key);
    assertThat(verifierAt(NOW.plusSeconds(900 + 29), key).verify(warrant).valid()).isTrue();
    assertThat(verifierAt(NOW.plusSeconds(900 + 31), key).verify(warrant).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void shouldRejectAWarrantBeforeItIsValid() {
    WarrantKey key = WarrantKey.generateEd25519("k1");
    WarrantIssued warrant = WarrantSignatures.sign(unsignedWarrant(), key);
    assertThat(verifierAt(NOW.minusSeconds(31), key).verify(warrant).reason()).isEqualTo(Reason.NOT_YET_VALID);
  }

  @Test
  void shouldRejectAWarrantWhoseParamsAreNotJsonAsMalformed() {
    WarrantKey key = WarrantKey.generateEd25519("k1");
    WarrantIssued warrant = WarrantSignatures.sign(unsignedWarrant(), key);
    warrant.setParamsJson("{broken");
    assertThat(verifierAt(NOW, key).verify(warrant).reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void shouldRejectAWarrantWithoutSignature() {
    WarrantIssued warrant = WarrantSignatures.sign(unsignedWarrant(), WarrantKey.generateHmac("k1"));
    warrant.setSignature("");
    assertThat(verifierAt(NOW, WarrantKey.generateHmac("k1")).verify(warrant).reason()).isEqualTo(Reason.MISSING_SIGNATURE);
  }
}
