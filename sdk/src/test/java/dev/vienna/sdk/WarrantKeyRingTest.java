package dev.vienna.sdk;

import static dev.vienna.sdk.SdkFixtures.EXECUTOR;
import static dev.vienna.sdk.SdkFixtures.NOW;
import static dev.vienna.sdk.SdkFixtures.RESTART;
import static dev.vienna.sdk.SdkFixtures.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vienna.events.SignatureAlgorithm;
import dev.vienna.sdk.WarrantVerifier.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarrantKeyRingTest {

  @TempDir Path keys;

  private static WarrantVerifier verifier(WarrantVerifier.KeyResolver ring) {
    return new WarrantVerifier(ring, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(30),
        WarrantVerifier.Revocations.NONE, WarrantVerifier.SingleUse.NOT_TRACKED);
  }

  @Test
  void shouldLoadKeysByIdAndSignWithTheChosenOne() throws Exception {
    WarrantKeyRing.generate(keys, "2026-a", SignatureAlgorithm.ED25519);
    WarrantKeyRing.generate(keys, "hmac-1", SignatureAlgorithm.HMAC_SHA256);
    WarrantKeyRing ring = WarrantKeyRing.load(keys, "2026-a");
    assertThat(ring.ids()).containsExactly("2026-a", "hmac-1");
    assertThat(ring.signingKey().keyId()).isEqualTo("2026-a");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("2026-a.ed25519")))).isEqualTo("rw-------");
    assertThatThrownBy(() -> WarrantKeyRing.load(keys, "missing")).hasMessageContaining("no private key for signing key id 'missing'");
  }

  @Test
  void shouldPublishOnlyPublicKeysAndVerifyFromThem() throws Exception {
    WarrantKeyRing.generate(keys, "ed-1", SignatureAlgorithm.ED25519);
    WarrantKeyRing.generate(keys, "hmac-1", SignatureAlgorithm.HMAC_SHA256);
    WarrantKeyRing ring = WarrantKeyRing.load(keys, "ed-1");
    String jwks = ring.publicJwks();
    var parsed = com.nimbusds.jose.jwk.JWKSet.parse(jwks);
    assertThat(parsed.getKeys()).singleElement().satisfies(k -> {
      assertThat(k.getKeyID()).isEqualTo("ed-1");
      assertThat(k.isPrivate()).isFalse();
    });
    assertThat(jwks).doesNotContain(ring.signingKey().encodedPrivateOrSecret()).doesNotContain("hmac-1");

    WarrantKeyRing published = WarrantKeyRing.fromJwks(jwks);
    assertThat(published.ids()).containsExactly("ed-1");
    String token = WarrantTokens.sign(claims(), ring.signingKey());
    assertThat(verifier(published).verify(token, EXECUTOR, RESTART).valid()).isTrue();
  }

  @Test
  void shouldKeepOldWarrantsValidAcrossARotationUntilTheOldKeyIsRetired() throws Exception {
    // given warrants signed with the first key
    WarrantKeyRing.generate(keys, "k1", SignatureAlgorithm.ED25519);
    String before = WarrantTokens.sign(claims(), WarrantKeyRing.load(keys, "k1").signingKey());

    // when a second key is added and becomes the signer
    WarrantKeyRing.generate(keys, "k2", SignatureAlgorithm.ED25519);
    WarrantKeyRing rotated = WarrantKeyRing.load(keys, "k2");
    String after = WarrantTokens.sign(claims(), rotated.signingKey());

    // then both verify while k1 is still published
    WarrantKeyRing published = WarrantKeyRing.fromJwks(rotated.publicJwks());
    assertThat(verifier(published).verify(before, EXECUTOR, RESTART).valid()).isTrue();
    assertThat(verifier(published).verify(after, EXECUTOR, RESTART).valid()).isTrue();

    // and once k1 is retired, its warrants no longer do, while k2's still do
    Files.delete(keys.resolve("k1.ed25519"));
    WarrantKeyRing retired = WarrantKeyRing.fromJwks(WarrantKeyRing.load(keys, "k2").publicJwks());
    assertThat(verifier(retired).verify(before, EXECUTOR, RESTART).reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(verifier(retired).verify(after, EXECUTOR, RESTART).valid()).isTrue();
  }
}
