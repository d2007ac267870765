package dev.vienna.platform.security;

import dev.vienna.events.AgentChanged;
import dev.vienna.sdk.kafka.agents.ApiKeys;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.Set;

/**
 * Agents authenticate with their API key as a bearer credential ({@code Authorization: Bearer vak_...}): looked up by
 * its key id in the agent registry and compared by hash in constant time; a revoked key, a key of an unknown agent, or
 * a malformed one is a 401. The identity is the agent id with the single role {@value Roles#AGENT}, and carries the
 * agent's registry entry ({@link #AGENT_ATTRIBUTE}) and tenant: who the agent is, its tenant and its owners come from
 * the registry, never from the request. A bearer credential that is not an API key is left to the operators' JWT
 * mechanism. Only in services that build with {@code vienna.agents.api-keys=true} (intake, audit).
 */
@ApplicationScoped
@IfBuildProperty(name = "vienna.agents.api-keys", stringValue = "true")
public class AgentApiKeyAuthentication implements HttpAuthenticationMechanism {

    /** The identity attribute holding the agent's {@link AgentChanged} registry entry. */
    public static final String AGENT_ATTRIBUTE = "vienna.agent";
    /** The identity attribute holding the agent's tenant. */
    public static final String TENANT_ATTRIBUTE = "vienna.tenant";

    private static final String BEARER = "Bearer " + ApiKeys.PREFIX;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String header = context.request().getHeader("Authorization");
        if (header == null || !header.startsWith(BEARER)) {
            return Uni.createFrom().optional(Optional.empty());
        }
        return identityProviderManager.authenticate(new ApiKeyRequest(header.substring("Bearer ".length())));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"vienna\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyRequest.class);
    }

    @Override
    public int getPriority() {
        // before smallrye-jwt's mechanism, which would refuse an API key as a malformed JWT
        return DEFAULT_PRIORITY + 500;
    }

    /** A presented API key. */
    public static final class ApiKeyRequest extends BaseAuthenticationRequest {
        private final String key;

        ApiKeyRequest(String key) {
            this.key = key;
        }

        String key() {
            return key;
        }
    }

    /** Checks a presented API key against the registry. */
    @ApplicationScoped
    @IfBuildProperty(name = "vienna.agents.api-keys", stringValue = "true")
    public static class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyRequest> {

        @Inject
        Agents agents;

        @Override
        public Class<ApiKeyRequest> getRequestType() {
            return ApiKeyRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(ApiKeyRequest request, AuthenticationRequestContext context) {
            return agents.registry()
                    .authenticate(request.key())
                    .map(agent -> Uni.createFrom().item(identityOf(agent)))
                    .orElseGet(() -> Uni.createFrom()
                            .failure(new AuthenticationFailedException("not a registered agent's API key")));
        }

        private static SecurityIdentity identityOf(AgentChanged agent) {
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(agent.getAgentId()))
                    .addRole(Roles.AGENT)
                    .addAttribute(AGENT_ATTRIBUTE, agent)
                    .addAttribute(TENANT_ATTRIBUTE, agent.getTenantId())
                    .build();
        }
    }
}
