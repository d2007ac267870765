package dev.vienna.testing;

import dev.vienna.issuer.LocalOperatorIssuer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Quarkus test resource: a local operator-token issuer whose public key the service under test trusts, as a real
 * deployment trusts its OIDC issuer. One identity provider's own group name ({@code opslead}) is mapped to Vienna's
 * {@code approver} role, as an organisation would map its groups.
 */
public class OperatorTokensResource implements QuarkusTestResourceLifecycleManager {

    public static final LocalOperatorIssuer ISSUER = LocalOperatorIssuer.generate();

    /** A valid token for {@code operator} with {@code roles}, for every tenant. */
    public static String token(String operator, String... roles) {
        return ISSUER.token(operator, Duration.ofMinutes(10), List.of(roles));
    }

    /** A valid token for {@code operator} with {@code roles}, limited to {@code tenants}. */
    public static String tenantToken(String operator, List<String> tenants, String... roles) {
        return ISSUER.token(
                operator,
                List.of(roles),
                LocalOperatorIssuer.ISSUER,
                LocalOperatorIssuer.AUDIENCE,
                Instant.now(),
                Duration.ofMinutes(10),
                tenants);
    }

    @Override
    public Map<String, String> start() {
        try {
            Map<String, String> config = new HashMap<>(
                    LocalOperatorIssuer.trustedBy(ISSUER.writeJwks(Files.createTempFile("operators-", ".jwks.json"))));
            // an identity provider's own group name, mapped to Vienna's role
            config.put("quarkus.http.auth.roles-mapping.opslead", "approver");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the key lives in memory; the JWKS file is a temp file
    }
}
