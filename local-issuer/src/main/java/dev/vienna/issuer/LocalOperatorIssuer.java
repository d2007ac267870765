package dev.vienna.issuer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vienna.sdk.secret.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The local stack's stand-in for an OIDC issuer of operator tokens: one RSA key (kept in a key directory, owner-only
 * from its first byte), its public half published as a JWKS file that the services trust, and RS256 bearer JWTs for
 * named operators with roles in the {@code groups} claim ({@code ./vienna token}, and tests). A real deployment trusts
 * its identity provider instead.
 */
public final class LocalOperatorIssuer {

    /** The {@code iss} of local operator tokens, which the local stack's services expect. */
    public static final String ISSUER = "vienna-local";
    /** The {@code aud} every Vienna service expects of operator tokens. */
    public static final String AUDIENCE = "vienna";
    /** The private key, as a JWK. */
    public static final String KEY_FILE = "operator-issuer.jwk";
    /** The public key, as a JWK set: what {@code mp.jwt.verify.publickey.location} points at. */
    public static final String JWKS_FILE = "operator-issuer.jwks.json";

    /**
     * The key id of the issuer's key: the local OIDC server publishes its signing key under its issuer id, so the key
     * file's own id is replaced by this one when it is read.
     */
    public static final String KEY_ID = "vienna";

    private final RSAKey key;
    private final String issuer;

    private LocalOperatorIssuer(RSAKey key, String issuer) {
        this.key = new RSAKey.Builder(key).keyID(KEY_ID).build();
        this.issuer = issuer;
    }

    /**
     * The same key signing tokens with {@code iss} = {@code issuer}: the local OIDC server's issuer URL, so that a
     * token of {@code ./vienna token} is one the server could have issued.
     */
    public LocalOperatorIssuer withIssuer(String issuer) {
        return new LocalOperatorIssuer(key, issuer);
    }

    /** The {@code iss} of the tokens this issuer signs. */
    public String issuer() {
        return issuer;
    }

    /**
     * The private key as a JWK: what the local OIDC server is started with, so that it signs with this key. Never
     * written anywhere but owner-only files.
     */
    public String privateJwk() {
        return key.toJSONString();
    }

    /** A fresh key held in memory (tests). */
    public static LocalOperatorIssuer generate() {
        try {
            return new LocalOperatorIssuer(
                    new RSAKeyGenerator(2048)
                            .keyID(KEY_ID)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(JWSAlgorithm.RS256)
                            .generate(),
                    ISSUER);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    /** The key in {@code keyDir}, generated there on first use; its JWKS file is (re)written beside it. */
    public static synchronized LocalOperatorIssuer ensure(Path keyDir) {
        try {
            SecretFiles.directory(keyDir);
            Path keyFile = keyDir.resolve(KEY_FILE);
            LocalOperatorIssuer issuer;
            if (Files.isRegularFile(keyFile)) {
                issuer = new LocalOperatorIssuer(RSAKey.parse(Files.readString(keyFile)), ISSUER);
            } else {
                issuer = generate();
                SecretFiles.write(keyFile, issuer.key.toJSONString());
            }
            issuer.writeJwks(keyDir.resolve(JWKS_FILE));
            return issuer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the operator issuer key in " + keyDir, e);
        } catch (ParseException e) {
            throw new IllegalStateException(keyDir.resolve(KEY_FILE) + " is not an RSA JWK", e);
        }
    }

    /**
     * Writes the public key as a JWK set to {@code file} (replacing it atomically, so a service reading it never sees
     * half a file; left alone when it already holds exactly that) and returns it.
     */
    public Path writeJwks(Path file) {
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        try {
            if (Files.isRegularFile(file) && Files.readString(file).equals(jwks)) {
                return file;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return SecretFiles.write(file, jwks);
    }

    /**
     * Service settings (system properties) that make a service trust this issuer's tokens.
     *
     * @param jwksFile where {@link #writeJwks} put the public key
     */
    public static Map<String, String> trustedBy(Path jwksFile) {
        return trustedBy(jwksFile, ISSUER);
    }

    /** The same for tokens whose {@code iss} is {@code issuer}. */
    public static Map<String, String> trustedBy(Path jwksFile, String issuer) {
        return Map.of(
                "mp.jwt.verify.publickey.location", jwksFile.toAbsolutePath().toString(),
                "mp.jwt.verify.issuer", issuer,
                "mp.jwt.verify.audiences", AUDIENCE);
    }

    /** A bearer token for {@code operator} holding {@code roles}, valid from now for {@code ttl}. */
    public String token(String operator, Duration ttl, List<String> roles) {
        return token(operator, roles, issuer, AUDIENCE, Instant.now(), ttl);
    }

    /** The same with every claim chosen (tests: another issuer or audience, an expired token). */
    public String token(
            String operator, List<String> roles, String issuer, String audience, Instant issuedAt, Duration ttl) {
        return token(operator, roles, issuer, audience, issuedAt, ttl, null);
    }

    /**
     * The same limited to {@code tenants} (the {@code tenants} claim: its holder acts only in those tenants); null for
     * an organisation-wide operator.
     */
    public String token(
            String operator,
            List<String> roles,
            String issuer,
            String audience,
            Instant issuedAt,
            Duration ttl,
            List<String> tenants) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        if (tenants != null) {
            builder.claim("tenants", List.copyOf(tenants));
        }
        JWTClaimsSet claims = builder.issuer(issuer)
                .audience(audience)
                .subject(operator)
                .claim("upn", operator)
                .claim("preferred_username", operator)
                .claim("groups", List.copyOf(roles))
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an operator token", e);
        }
        return jwt.serialize();
    }
}
