package dev.vienna.oidc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vienna.issuer.LocalOperatorIssuer;
import dev.vienna.sdk.secret.SecretFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * The local stack's OpenID Connect provider: NAV's mock-oauth2-server (discovery, JWKS, authorization code with PKCE,
 * refresh tokens) run in the launcher's JVM with the {@link LocalOperatorIssuer}'s key, so the tokens it issues are the
 * ones every service already trusts: {@code iss} = {@link #issuer()}, {@code aud} = {@code vienna}, the operator's
 * roles in {@code groups}, its tenants in {@code tenants}. Its login page lists the {@link Operator local operators} to
 * sign in as with one button each, and a form for any other name and claims.
 *
 * <p>Anyone who reaches it can sign in as anyone with any role: it stands in for an organisation's identity provider on
 * one machine and listens on loopback; a real deployment points the console and the services at its own issuer.
 */
public final class LocalOidcServer implements AutoCloseable {

    /** The issuer id: the path of every endpoint and the {@code kid} of the signing key. */
    public static final String ISSUER_ID = LocalOperatorIssuer.KEY_ID;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A local operator the login page offers: its name, roles, the tenants it is limited to (none: all) and why. */
    public record Operator(String name, List<String> roles, List<String> tenants, String note) {
        public Operator {
            roles = List.copyOf(roles);
            tenants = List.copyOf(tenants);
        }

        /** The claims the login adds to its tokens. */
        Map<String, Object> claims() {
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("upn", name);
            claims.put("preferred_username", name);
            claims.put("groups", roles);
            if (!tenants.isEmpty()) {
                claims.put("tenants", tenants);
            }
            return claims;
        }
    }

    private final MockOAuth2Server server;
    private final String host;
    private final int port;

    private LocalOidcServer(MockOAuth2Server server, String host, int port) {
        this.server = server;
        this.host = host;
        this.port = port;
    }

    /** The issuer URL of a local server on {@code host}:{@code port}: what the services verify {@code iss} against. */
    public static String issuerUrl(String host, int port) {
        return "http://" + host + ":" + port + "/" + ISSUER_ID;
    }

    /**
     * Starts the server on {@code host}:{@code port}, signing with {@code issuer}'s key, tokens valid for
     * {@code tokenTtl}; its login page (written to {@code workDir}) offers {@code operators}.
     */
    public static LocalOidcServer start(
            LocalOperatorIssuer issuer,
            String host,
            int port,
            Duration tokenTtl,
            List<Operator> operators,
            Path workDir) {
        try {
            Files.createDirectories(workDir);
            Path loginPage = workDir.resolve("login.html");
            Files.writeString(loginPage, loginPage(operators), StandardCharsets.UTF_8);
            // the config holds the private key: owner-only, like every key file of the stack
            Path configFile =
                    SecretFiles.write(workDir.resolve("oidc-config.json"), config(issuer, tokenTtl, loginPage));
            OAuth2Config config = OAuth2Config.Companion.fromJson(Files.readString(configFile));
            MockOAuth2Server server = new MockOAuth2Server(config);
            server.start(InetAddress.getByName(host), port);
            return new LocalOidcServer(server, host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local OIDC server on " + host + ":" + port, e);
        }
    }

    /** The issuer URL: {@code http://host:port/vienna}. */
    public String issuer() {
        return issuerUrl(host, port);
    }

    /** Its OpenID Connect discovery document. */
    public URI discovery() {
        return URI.create(issuer() + "/.well-known/openid-configuration");
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        server.shutdown();
    }

    /**
     * mock-oauth2-server's JSON configuration: interactive login on our page, the issuer's key as the only signing key,
     * and every token of the issuer (whatever the grant) with audience {@code vienna}.
     */
    static String config(LocalOperatorIssuer issuer, Duration tokenTtl, Path loginPage) {
        ObjectNode root = JSON.createObjectNode();
        root.put("interactiveLogin", true);
        root.put("loginPagePath", loginPage.toAbsolutePath().toString());
        ObjectNode keyProvider = root.putObject("tokenProvider").putObject("keyProvider");
        keyProvider.put("initialKeys", issuer.privateJwk());
        keyProvider.put("algorithm", "RS256");
        ObjectNode callback = root.putArray("tokenCallbacks").addObject();
        callback.put("issuerId", ISSUER_ID);
        callback.put("tokenExpiry", tokenTtl.toSeconds());
        ObjectNode mapping = callback.putArray("requestMappings").addObject();
        mapping.put("requestParam", "grant_type");
        mapping.put("match", "*");
        ArrayNode audience = mapping.putObject("claims").putArray("aud");
        audience.add(LocalOperatorIssuer.AUDIENCE);
        return root.toString();
    }

    /** The login page: a button per local operator, and a form for any other name and claims. */
    static String loginPage(List<Operator> operators) {
        StringBuilder rows = new StringBuilder();
        for (Operator operator : operators) {
            String claims;
            try {
                claims = JSON.writeValueAsString(operator.claims());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            rows.append("<li><form method=\"post\">")
                    .append("<input type=\"hidden\" name=\"username\" value=\"")
                    .append(html(operator.name()))
                    .append("\"><input type=\"hidden\" name=\"claims\" value=\"")
                    .append(html(claims))
                    .append("\"><button type=\"submit\" id=\"login-")
                    .append(html(operator.name()))
                    .append("\">Sign in as <strong>")
                    .append(html(operator.name()))
                    .append("</strong></button> <span class=\"roles\">")
                    .append(html(String.join(", ", operator.roles())))
                    .append(
                            operator.tenants().isEmpty()
                                    ? ""
                                    : " · tenants " + html(String.join(", ", operator.tenants())))
                    .append("</span> <span class=\"note\">")
                    .append(html(operator.note()))
                    .append("</span></form></li>\n");
        }
        try (InputStream template = LocalOidcServer.class.getResourceAsStream("login.html")) {
            if (template == null) {
                throw new IllegalStateException("login.html is missing from local-oidc's resources");
            }
            return new String(template.readAllBytes(), StandardCharsets.UTF_8).replace("{{operators}}", rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String html(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
