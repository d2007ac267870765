package dev.vienna.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.vienna.issuer.LocalOperatorIssuer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local OIDC server end to end over HTTP, as a browser and the console would use it: discovery, the login page, an
 * authorization code with PKCE, and tokens the services' trust settings accept.
 */
class LocalOidcServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REDIRECT = "http://127.0.0.1:1/callback";

    @TempDir
    static Path dir;

    static LocalOperatorIssuer issuer;
    static LocalOidcServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        issuer = LocalOperatorIssuer.generate().withIssuer(LocalOidcServer.issuerUrl("127.0.0.1", port));
        server = LocalOidcServer.start(
                issuer,
                "127.0.0.1",
                port,
                Duration.ofMinutes(10),
                List.of(
                        new LocalOidcServer.Operator("alice", List.of("approver"), List.of(), "approves"),
                        new LocalOidcServer.Operator("tina", List.of("approver"), List.of("acme"), "one tenant")),
                dir.resolve("oidc"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void shouldPublishDiscoveryWithTheIssuerAndTheIssuersKey() throws Exception {
        JsonNode discovery = get(server.discovery());
        assertThat(discovery.path("issuer").asText()).isEqualTo(issuer.issuer());
        assertThat(discovery.path("code_challenge_methods_supported").toString())
                .contains("S256");
        JWKSet keys = JWKSet.parse(getText(URI.create(discovery.path("jwks_uri").asText())));
        Path jwksFile = issuer.writeJwks(dir.resolve("trusted.jwks.json"));
        assertThat(keys.getKeys()).hasSize(1);
        assertThat(keys.getKeys().get(0).toPublicJWK().toJSONObject())
                .isEqualTo(JWKSet.parse(Files.readString(jwksFile))
                        .getKeys()
                        .get(0)
                        .toJSONObject());
        assertThat(Files.getPosixFilePermissions(dir.resolve("oidc").resolve("oidc-config.json")))
                .hasSize(2); // owner read and write only: the file holds the private key
    }

    @Test
    void shouldOfferEveryLocalOperatorOnItsLoginPage() throws Exception {
        String page = getText(authorize(UUID.randomUUID().toString()));
        assertThat(page).contains("id=\"login-alice\"", "id=\"login-tina\"", "tenants acme");
        assertThat(page).contains("&quot;groups&quot;:[&quot;approver&quot;]");
    }

    @Test
    void shouldIssueTokensTheServicesAcceptForACodeWithItsVerifier() throws Exception {
        String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
        String code = login(
                verifier, "tina", Map.of("upn", "tina", "groups", List.of("approver"), "tenants", List.of("acme")));
        JsonNode tokens = token(code, verifier);
        SignedJWT access = SignedJWT.parse(tokens.path("access_token").asText());
        RSAKey trusted = (RSAKey) JWKSet.parse(Files.readString(issuer.writeJwks(dir.resolve("t.jwks.json"))))
                .getKeys()
                .get(0);
        assertThat(access.verify(new RSASSAVerifier(trusted))).isTrue();
        assertThat(access.getHeader().getKeyID()).isEqualTo(LocalOperatorIssuer.KEY_ID);
        Map<String, String> trust = LocalOperatorIssuer.trustedBy(dir, issuer.issuer());
        assertThat(access.getJWTClaimsSet().getIssuer()).isEqualTo(trust.get("mp.jwt.verify.issuer"));
        assertThat(access.getJWTClaimsSet().getAudience()).containsExactly(trust.get("mp.jwt.verify.audiences"));
        assertThat(access.getJWTClaimsSet().getSubject()).isEqualTo("tina");
        assertThat(access.getJWTClaimsSet().getStringListClaim("groups")).containsExactly("approver");
        assertThat(access.getJWTClaimsSet().getStringListClaim("tenants")).containsExactly("acme");
        // the ID token too: the console expects the audience vienna of it (quarkus.oidc.token.audience)
        assertThat(SignedJWT.parse(tokens.path("id_token").asText())
                        .getJWTClaimsSet()
                        .getAudience())
                .containsExactly(LocalOperatorIssuer.AUDIENCE);
        assertThat(tokens.path("refresh_token").asText()).isNotEmpty();
    }

    @Test
    void shouldRefuseACodeRedeemedWithAnotherVerifier() throws Exception {
        String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
        String code = login(verifier, "alice", Map.of("groups", List.of("approver")));
        HttpResponse<String> wrong = tokenResponse(code, "not-" + verifier);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("invalid_grant", "code_verifier");
    }

    /** Signs in on the login page and returns the code the browser would be redirected back with. */
    private static String login(String verifier, String username, Map<String, Object> claims) throws Exception {
        URI authorize = authorize(challenge(verifier));
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(authorize)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                form(Map.of("username", username, "claims", JSON.writeValueAsString(claims)))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(302);
        URI back = URI.create(answer.headers().firstValue("Location").orElseThrow());
        assertThat(back.toString()).startsWith(REDIRECT);
        return query(back).get("code");
    }

    private static JsonNode token(String code, String verifier) throws Exception {
        HttpResponse<String> answer = tokenResponse(code, verifier);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static HttpResponse<String> tokenResponse(String code, String verifier) throws Exception {
        URI endpoint = URI.create(get(server.discovery()).path("token_endpoint").asText());
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("redirect_uri", REDIRECT);
        body.put("client_id", "vienna-console");
        body.put("client_secret", "secret");
        body.put("code_verifier", verifier);
        return http.send(
                HttpRequest.newBuilder(endpoint)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI authorize(String challenge) throws Exception {
        String endpoint = get(server.discovery()).path("authorization_endpoint").asText();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_id", "vienna-console");
        params.put("response_type", "code");
        params.put("scope", "openid");
        params.put("redirect_uri", REDIRECT);
        params.put("state", UUID.randomUUID().toString());
        params.put("nonce", UUID.randomUUID().toString());
        params.put("code_challenge", challenge);
        params.put("code_challenge_method", "S256");
        return URI.create(endpoint + "?" + form(params));
    }

    private static String challenge(String verifier) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            values.put(
                    java.net.URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
        }
        return values;
    }

    private static JsonNode get(URI uri) throws Exception {
        return JSON.readTree(getText(uri));
    }

    private static String getText(URI uri) throws Exception {
        HttpResponse<String> answer =
                http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(uri + ": " + answer.body()).isEqualTo(200);
        return answer.body();
    }
}
