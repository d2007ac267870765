package dev.vienna.sdk.warrant;

import static dev.vienna.sdk.warrant.SdkFixtures.EXECUTOR;
import static dev.vienna.sdk.warrant.SdkFixtures.NOW;
import static dev.vienna.sdk.warrant.SdkFixtures.RESTART;
import static dev.vienna.sdk.warrant.SdkFixtures.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import dev.vienna.sdk.warrant.WarrantVerifier.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarrantKeyRingTest {

    @TempDir
    Path keys;

    private static WarrantVerifier verifier(WarrantVerifier.KeyResolver ring) {
        return new WarrantVerifier(
                ring,
                Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofSeconds(30),
                WarrantVerifier.Revocations.NONE,
                WarrantVerifier.SingleUse.NOT_TRACKED);
    }

    @Test
    void shouldLoadKeysByIdAndSignWithTheChosenOne() throws Exception {
        WarrantKeyRing.generate(keys, "2026-a", SignatureAlgorithm.ED25519);
        WarrantKeyRing.generate(keys, "hmac-1", SignatureAlgorithm.HMAC_SHA256);
        WarrantKeyRing ring = WarrantKeyRing.load(keys, "2026-a");
        assertThat(ring.ids()).containsExactly("2026-a", "hmac-1");
        assertThat(ring.signingKey().keyId()).isEqualTo("2026-a");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("2026-a.ed25519"))))
                .isEqualTo("rw-------");
        assertThatThrownBy(() -> WarrantKeyRing.load(keys, "missing"))
                .hasMessageContaining("no private key for signing key id 'missing'");
    }

    @Test
    void shouldPublishOnlyPublicKeysAndVerifyFromThem() throws Exception {
        WarrantKeyRing.generate(keys, "ed-1", SignatureAlgorithm.ED25519);
        WarrantKeyRing.generate(keys, "hmac-1", SignatureAlgorithm.HMAC_SHA256);
        WarrantKeyRing ring = WarrantKeyRing.load(keys, "ed-1");
        String jwks = ring.publicJwks();
        var parsed = JWKSet.parse(jwks);
        assertThat(parsed.getKeys()).singleElement().satisfies(k -> {
            assertThat(k.getKeyID()).isEqualTo("ed-1");
            assertThat(k.isPrivate()).isFalse();
        });
        assertThat(jwks)
                .doesNotContain(ring.signingKey().encodedPrivateOrSecret())
                .doesNotContain("hmac-1");

        WarrantKeyRing published = WarrantKeyRing.fromJwks(jwks);
        assertThat(published.ids()).containsExactly("ed-1");
        String token = WarrantTokens.sign(claims(), ring.signingKey());
        assertThat(verifier(published).verify(token, EXECUTOR, RESTART).valid()).isTrue();
    }

    @Test
    void shouldKeepOldWarrantsValidAcrossARotationUntilTheOldKeyIsRetired() throws Exception {
        // given warrants signed with the first key
        WarrantKeyRing.generate(keys, "k1", SignatureAlgorithm.ED25519);
        String before =
                WarrantTokens.sign(claims(), WarrantKeyRing.load(keys, "k1").signingKey());

        // when a second key is added and becomes the signer
        WarrantKeyRing.generate(keys, "k2", SignatureAlgorithm.ED25519);
        WarrantKeyRing rotated = WarrantKeyRing.load(keys, "k2");
        String after = WarrantTokens.sign(claims(), rotated.signingKey());

        // then both verify while k1 is still published
        WarrantKeyRing published = WarrantKeyRing.fromJwks(rotated.publicJwks());
        assertThat(verifier(published).verify(before, EXECUTOR, RESTART).valid())
                .isTrue();
        assertThat(verifier(published).verify(after, EXECUTOR, RESTART).valid()).isTrue();

        // and once k1 is retired, its warrants no longer do, while k2's still do
        Files.delete(keys.resolve("k1.ed25519"));
        WarrantKeyRing retired =
                WarrantKeyRing.fromJwks(WarrantKeyRing.load(keys, "k2").publicJwks());
        assertThat(verifier(retired).verify(before, EXECUTOR, RESTART).reason()).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(verifier(retired).verify(after, EXECUTOR, RESTART).valid()).isTrue();
    }

    /** Runs the JDK's keytool, as the README tells operators to. */
    private static void keytool(String... args) throws Exception {
        var command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }

    @Test
    void shouldSignAndVerifyWithKeysFromAPkcs12KeystoreMadeByKeytool() throws Exception {
        Path store = keys.resolve("warrants.p12");
        String password = "changeit";
        keytool(
                "-genkeypair",
                "-alias",
                "vienna-2026-11",
                "-keyalg",
                "Ed25519",
                "-dname",
                "CN=vienna warrants",
                "-validity",
                "730",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                password);
        keytool(
                "-genseckey",
                "-alias",
                "direct-hmac",
                "-keyalg",
                "HmacSHA256",
                "-keysize",
                "256",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                password);

        WarrantKeyRing ring = WarrantKeyRing.loadPkcs12(store, password.toCharArray(), "vienna-2026-11");
        assertThat(ring.ids()).containsExactlyInAnyOrder("vienna-2026-11", "direct-hmac");
        assertThat(ring.signingKey().algorithm()).isEqualTo(SignatureAlgorithm.ED25519);
        assertThat(ring.resolve("direct-hmac"))
                .hasValueSatisfying(k -> assertThat(k.algorithm()).isEqualTo(SignatureAlgorithm.HMAC_SHA256));

        // a warrant signed with the keystore's key verifies with nothing but the published public key
        String token = WarrantTokens.sign(claims(), ring.signingKey());
        WarrantKeyRing published = WarrantKeyRing.fromJwks(ring.publicJwks());
        assertThat(published.ids()).containsExactly("vienna-2026-11");
        assertThat(verifier(published)
                        .verify(WarrantTokens.sign(claims(), ring.signingKey()), EXECUTOR, RESTART)
                        .valid())
                .isTrue();
        assertThat(verifier(ring).verify(token, EXECUTOR, RESTART).valid()).isTrue();
        // and the HMAC entry signs HS256 warrants that the same ring verifies
        assertThat(verifier(ring)
                        .verify(
                                WarrantTokens.sign(
                                        claims(), ring.resolve("direct-hmac").orElseThrow()),
                                EXECUTOR,
                                RESTART)
                        .valid())
                .isTrue();
    }

    @Test
    void shouldRefuseAKeystoreWithAWrongPasswordOrAKeyThatIsNotAWarrantKey() throws Exception {
        Path store = keys.resolve("mixed.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "tls",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=tls",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit");
        assertThatThrownBy(() -> WarrantKeyRing.loadPkcs12(store, "wrong".toCharArray(), null))
                .hasMessageContaining("cannot read warrant keystore");
        assertThatThrownBy(() -> WarrantKeyRing.loadPkcs12(store, "changeit".toCharArray(), null))
                .hasMessageContaining("entry tls: RSA is not a warrant key");
    }
}
