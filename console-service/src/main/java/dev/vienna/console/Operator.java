package dev.vienna.console;

import com.nimbusds.jwt.SignedJWT;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.qute.TemplateData;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import java.text.ParseException;
import java.util.List;
import java.util.TreeSet;

/**
 * The signed-in operator as the pages show it: name, roles and tenants from the issuer's access token, the token the
 * services judge every call by. What the pages offer follows from the same roles (no vote buttons without
 * {@code approver}); the services refuse whatever the pages might still offer wrongly.
 */
@TemplateData
public record Operator(String name, List<String> roles, List<String> tenants) {

    public boolean approver() {
        return roles.contains("approver");
    }

    public boolean auditor() {
        return roles.contains("auditor");
    }

    /** Reads approvals and policy: viewer or approver. */
    public boolean viewer() {
        return roles.contains("viewer") || approver();
    }

    /** "all tenants" for an organisation-wide operator, else the tenants it is limited to. */
    public String tenantScope() {
        return tenants.isEmpty() ? "all tenants" : String.join(", ", tenants);
    }

    /** The operator of this request. */
    static final class Producer {

        /** Dependent (a record cannot be proxied): the pages are request scoped, so each request makes its own. */
        @Produces
        @Named("operator")
        Operator operator(SecurityIdentity identity, AccessTokenCredential token) {
            List<String> tenants = List.of();
            try {
                List<String> claim =
                        SignedJWT.parse(token.getToken()).getJWTClaimsSet().getStringListClaim("tenants");
                tenants = claim == null ? List.of() : List.copyOf(claim);
            } catch (ParseException e) {
                // not a JWT (an opaque token): no tenants to show; the services still judge the token itself
            }
            return new Operator(
                    identity.getPrincipal().getName(), List.copyOf(new TreeSet<>(identity.getRoles())), tenants);
        }
    }
}
