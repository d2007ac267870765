package dev.vienna.platform.security;

import dev.vienna.platform.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import java.util.Collection;
import java.util.Collections;
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

    /** {@link #tenants()}, once read; null before. */
    private Optional<Set<String>> tenants;

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

    /** The tenants the caller is limited to; empty when organisation-wide. Read from the credential once a request. */
    public Optional<Set<String>> tenants() {
        if (tenants == null) {
            tenants = readTenants();
        }
        return tenants;
    }

    private Optional<Set<String>> readTenants() {
        if (identity.hasRole(Roles.AGENT)) {
            String tenant = identity.getAttribute(AgentApiKeyAuthentication.TENANT_ATTRIBUTE);
            return Optional.of(tenant == null ? Set.of() : Set.of(tenant));
        }
        Object claim = token == null || token.getRawToken() == null ? null : token.getClaim(TENANTS_CLAIM);
        if (claim == null) {
            return Optional.empty();
        }
        Set<String> limited = new TreeSet<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(v -> limited.add(tenantId(v)));
        } else {
            limited.add(tenantId(claim));
        }
        return Optional.of(Collections.unmodifiableSet(limited));
    }

    /** Whether the caller may see and act in {@code tenantId}. */
    public boolean allows(String tenantId) {
        return tenants().map(allowed -> allowed.contains(tenantId)).orElse(true);
    }

    /** The caller's roles, sorted. */
    public List<String> roles() {
        return identity.getRoles().stream().sorted().toList();
    }

    /** A JSON string's text; any other JSON value as its JSON text (a number's digits); anything else as a string. */
    private static String tenantId(Object value) {
        if (value instanceof JsonString string) {
            return string.getString();
        }
        return String.valueOf(value);
    }
}
