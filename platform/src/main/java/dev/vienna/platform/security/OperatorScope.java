package dev.vienna.platform.security;

import dev.vienna.platform.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who the caller of this request is and which tenants they may act in. The operator id is the token's {@code upn}, else
 * {@code preferred_username}, else {@code sub}; attribution ({@code revokedBy}, who voted, who suspended) always comes
 * from here, never from a request body. A token with a {@code tenants} claim (a list of tenant ids) limits its holder
 * to those tenants: outside them an intent, agent or warrant does not exist for them (404) and they cannot act (403). A
 * token without the claim is an organisation-wide operator: every tenant. An agent (API key) is limited to its own
 * tenant.
 */
@RequestScoped
public class OperatorScope {

    /** The JWT claim that limits an operator to tenants. */
    public static final String TENANTS_CLAIM = "tenants";

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    /** The caller's id; 403 when the credential names nobody. */
    public String operatorId() {
        String name =
                identity.getPrincipal() == null ? null : identity.getPrincipal().getName();
        if (name == null || name.isBlank()) {
            throw new ProblemException(
                    403, "Forbidden", "the token names no operator (upn, preferred_username or sub)");
        }
        return name;
    }

    /** The tenants the caller is limited to; empty when organisation-wide. */
    public Optional<Set<String>> tenants() {
        if (identity.hasRole(Roles.AGENT)) {
            String tenant = identity.getAttribute(AgentApiKeyAuthentication.TENANT_ATTRIBUTE);
            return Optional.of(tenant == null ? Set.of() : Set.of(tenant));
        }
        Object claim = token == null || token.getRawToken() == null ? null : token.getClaim(TENANTS_CLAIM);
        if (claim == null) {
            return Optional.empty();
        }
        Set<String> tenants = new TreeSet<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(v -> tenants.add(unquote(String.valueOf(v))));
        } else if (claim instanceof JsonArray array) {
            array.forEach(v -> tenants.add(unquote(v.toString())));
        } else {
            tenants.add(unquote(String.valueOf(claim)));
        }
        return Optional.of(tenants);
    }

    /** Whether the caller may see and act in {@code tenantId}. */
    public boolean allows(String tenantId) {
        return tenants().map(allowed -> allowed.contains(tenantId)).orElse(true);
    }

    /** The caller's roles, sorted. */
    public List<String> roles() {
        return identity.getRoles().stream().sorted().toList();
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
