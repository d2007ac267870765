package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.vienna.issuer.LocalOperatorIssuer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./vienna token NAME --role R [--ttl D]}: a token the local stack's approval-service trusts. */
class ViennaCliTokenTest {

    @TempDir
    Path root;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeEach
    void pointTheCliAtATemporaryRoot() {
        System.setProperty("vienna.root", root.toString());
    }

    @AfterEach
    void restoreTheRoot() {
        System.clearProperty("vienna.root");
    }

    private int token(String... args) throws Exception {
        return ViennaCli.run(List.of(args), new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintATokenSignedByTheKeyTheStackPublishesForApprovalService() throws Exception {
        assertThat(token("token", "alice", "--role", "approver,release-manager", "--ttl", "30m"))
                .isZero();

        // the output is the token alone, so TOKEN=$(./vienna token ...) works
        String printed = output.toString(StandardCharsets.UTF_8).trim();
        assertThat(printed).doesNotContain("\n").matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        SignedJWT jwt = SignedJWT.parse(printed);
        Path keys = root.resolve(".vienna").resolve("keys");
        RSAKey published = (RSAKey) JWKSet.parse(Files.readString(keys.resolve(LocalOperatorIssuer.JWKS_FILE)))
                .getKeys()
                .get(0);
        assertThat(published.isPrivate())
                .as("the JWKS holds the public key only")
                .isFalse();
        assertThat(jwt.verify(new RSASSAVerifier(published))).isTrue();
        var claims = jwt.getJWTClaimsSet();
        // the local OIDC server's issuer: the token is one it could have issued
        assertThat(claims.getIssuer()).startsWith("http://127.0.0.1:").endsWith("/vienna");
        assertThat(claims.getAudience()).containsExactly(LocalOperatorIssuer.AUDIENCE);
        assertThat(claims.getStringClaim("upn")).isEqualTo("alice");
        assertThat(claims.getStringListClaim("groups")).containsExactly("approver", "release-manager");
        assertThat(Duration.between(
                        claims.getIssueTime().toInstant(),
                        claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void shouldKeepTheIssuerKeyAcrossCalls() throws Exception {
        token("token", "alice", "--role", "viewer");
        String first = Files.readString(root.resolve(".vienna/keys").resolve(LocalOperatorIssuer.JWKS_FILE));
        token("token", "bob", "--role", "viewer");
        assertThat(Files.readString(root.resolve(".vienna/keys").resolve(LocalOperatorIssuer.JWKS_FILE)))
                .isEqualTo(first);
    }

    @Test
    void shouldAskForANameAndARole() throws Exception {
        assertThat(token("token", "alice")).isEqualTo(2);
        assertThat(token("token", "--role", "approver")).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("./vienna token NAME --role");
    }

    @Test
    void shouldReadTokenLifetimes() {
        assertThat(ViennaCli.ttl("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ViennaCli.ttl("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ViennaCli.ttl("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(ViennaCli.ttl("PT15M")).isEqualTo(Duration.ofMinutes(15));
        assertThatThrownBy(() -> ViennaCli.ttl("1y")).isInstanceOf(IllegalArgumentException.class);
    }
}
