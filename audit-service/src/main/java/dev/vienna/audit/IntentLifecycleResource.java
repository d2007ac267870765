package dev.vienna.audit;

import dev.vienna.events.AgentChanged;
import dev.vienna.events.IntentLifecycle;
import dev.vienna.events.IntentState;
import dev.vienna.platform.OpenApiProblems;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.security.AgentApiKeyAuthentication;
import dev.vienna.platform.security.OperatorScope;
import dev.vienna.platform.security.Roles;
import dev.vienna.platform.streams.InstanceRouter;
import dev.vienna.platform.streams.StateStores;
import dev.vienna.sdk.kafka.agents.AgentRegistry;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle;
import dev.vienna.sdk.kafka.evidence.EvidenceBundles;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantTokens;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /v1/intents/{intentId}}: an intent's current state and its ordered events. An operator with the
 * {@value Roles#AUDITOR} role reads any intent in their tenants; a registered agent, with its API key, reads its own
 * intents only (the agent and tenant the lifecycle recorded from the intent must be the key's). Outside that an intent
 * does not exist for the caller (404, as if unknown), so its id reveals nothing. A suspended agent is refused (403).
 * {@code GET /v1/intents/{intentId}/evidence}: its evidence bundle ({@link EvidenceBundler}), to the same callers.
 */
@Tag(name = "timelines", description = "Each intent's audited lifecycle")
@SecurityRequirement(name = OpenApiProblems.OPERATOR)
@SecurityRequirement(name = OpenApiProblems.AGENT)
@Path("/v1/intents")
@Produces(MediaType.APPLICATION_JSON)
public class IntentLifecycleResource {

    @Inject
    KafkaStreams streams;

    @Inject
    SecurityIdentity identity;

    @Inject
    OperatorScope caller;

    @Inject
    InstanceRouter router;

    @Inject
    EvidenceBundler bundler;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    @Operation(
            summary = "An intent's lifecycle",
            description =
                    "Its current state, tier, mode, warrant (decoded claims; its token only for auditors and the agent), the latest post-execution verdict on its warrant (VERIFIED, VIOLATION or UNREPORTED, null before one) with its reasons, and every audited event in order, each with the id of its audit record.")
    @APIResponse(
            responseCode = "200",
            description = "The lifecycle",
            content = @Content(schema = @Schema(implementation = Lifecycle.class)))
    @APIResponse(
            responseCode = "401",
            description = "No credential, or one that does not verify: neither an operator's JWT nor a registered"
                    + " agent's unrevoked API key")
    @APIResponse(
            responseCode = "403",
            description = "The credential holds none of auditor, viewer and approver (an operator's token) nor agent"
                    + " (a registered agent's API key; an operator's token that names the agent role does not count);"
                    + " or it is the key of a suspended agent")
    @APIResponse(
            responseCode = "404",
            description = "No event of this intent has been audited, or it is outside the caller's reach: another"
                    + " tenant than an auditor's token covers, or another agent's intent")
    @APIResponse(
            responseCode = "503",
            description = "The lifecycle store is not queryable right now, or the instance holding this intent does"
                    + " not answer; retry after Retry-After")
    @GET
    @Path("/{intentId}")
    @RolesAllowed({Roles.AUDITOR, Roles.AGENT, Roles.VIEWER, Roles.APPROVER})
    public Response get(@PathParam("intentId") String intentId) {
        // viewers and approvers follow what they decide, but the warrant's token itself is for auditors and its agent
        boolean withToken = identity.hasRole(Roles.AUDITOR)
                || identity.getAttribute(AgentApiKeyAuthentication.AGENT_ATTRIBUTE) != null;
        return answer(
                intentId,
                Set.of(Roles.AUDITOR, Roles.VIEWER, Roles.APPROVER),
                lifecycle -> Response.ok(Lifecycle.of(lifecycle, withToken)).build());
    }

    @Operation(
            summary = "An intent's evidence bundle",
            description =
                    "Every audit record of the intent byte for byte, each with its RFC 9162 inclusion proof to the newest signed checkpoint of its chain; those checkpoints; the log's signed statement of which records make up the intent; its warrant and the public keys. Check it offline with ./vienna audit verify-bundle.")
    @APIResponse(
            responseCode = "200",
            description = "The bundle (format vienna-evidence-bundle/1)",
            content = @Content(schema = @Schema(implementation = EvidenceBundle.class)))
    @APIResponse(
            responseCode = "401",
            description = "No credential, or one that does not verify: neither an operator's JWT nor a registered"
                    + " agent's unrevoked API key")
    @APIResponse(
            responseCode = "403",
            description = "The credential holds neither auditor nor agent; or it is the key of a suspended agent")
    @APIResponse(
            responseCode = "404",
            description = "No event of this intent has been audited, or it is outside the caller's reach")
    @APIResponse(
            responseCode = "503",
            description = "A record of the intent is newer than its chain's newest checkpoint, the checkpoints or"
                    + " stores are not readable yet, or the instance holding the intent does not answer; retry after"
                    + " Retry-After")
    @GET
    @Path("/{intentId}/evidence")
    @RolesAllowed({Roles.AUDITOR, Roles.AGENT})
    public Response evidence(@PathParam("intentId") String intentId) {
        // written by the format's own writer: the offline verifier reads it strictly (one bundle, one meaning)
        return answer(
                intentId,
                Set.of(Roles.AUDITOR),
                lifecycle -> Response.ok(EvidenceBundles.write(bundler.bundle(lifecycle)), MediaType.APPLICATION_JSON)
                        .build());
    }

    /**
     * The caller's answer about intent {@code intentId}: from the instance holding its lifecycle (this request is
     * forwarded there, where the caller is checked again), or {@code answer} of the lifecycle when it is held here and
     * visible to the caller; else 404.
     */
    private Response answer(String intentId, Set<String> operatorRoles, Function<IntentLifecycle, Response> answer) {
        AgentChanged agent = callingAgent(operatorRoles);
        Optional<HostInfo> owner = router.ownerOf(AuditTopology.LIFECYCLES_STORE, intentId, headers);
        if (owner.isPresent()) {
            return router.forward(owner.get(), "GET", uri, headers, null);
        }
        IntentLifecycle lifecycle = StateStores.<String, IntentLifecycle>keyValue(
                        streams, AuditTopology.LIFECYCLES_STORE)
                .get(intentId);
        if (lifecycle == null || !visible(lifecycle, agent)) {
            throw new ProblemException(404, "Unknown intent", "no event of intent " + intentId + " has been audited");
        }
        return answer.apply(lifecycle);
    }

    /**
     * The agent calling with its API key, or null for an operator holding one of {@code operatorRoles}. A token that
     * holds the agent role without being an agent's key (an operator's JWT whose groups say "agent") and none of those
     * roles is refused, as is a suspended agent.
     */
    private AgentChanged callingAgent(Set<String> operatorRoles) {
        AgentChanged agent = identity.getAttribute(AgentApiKeyAuthentication.AGENT_ATTRIBUTE);
        if (agent == null) {
            if (operatorRoles.stream().noneMatch(identity::hasRole)) {
                throw new ProblemException(
                        403,
                        "Forbidden",
                        "an operator reads this with the role " + String.join(" or ", new TreeSet<>(operatorRoles))
                                + "; an agent with its API key");
            }
            return null;
        }
        AgentRegistry.whyNotActive(agent).ifPresent(why -> {
            throw new ProblemException(403, "Agent suspended", why);
        });
        return agent;
    }

    /** An auditor sees the intents of their tenants; an agent its own intents, in its own tenant. */
    private boolean visible(IntentLifecycle lifecycle, AgentChanged agent) {
        if (!caller.allows(lifecycle.getTenantId())) {
            return false;
        }
        // an agent's tenant is its only one: caller.allows checked it
        return agent == null || agent.getAgentId().equals(lifecycle.getAgentId());
    }

    /** The JSON shape of a lifecycle. */
    public record Lifecycle(
            String intentId,
            String tenantId,
            String agentId,
            String action,
            String resource,
            IntentState state,
            String tier,
            String mode,
            String warrantId,
            Warrant warrant,
            String verdict,
            List<String> verdictReasons,
            Instant updatedAt,
            List<Step> events) {

        /** The lifecycle, with the warrant's token or only its decoded claims. */
        static Lifecycle of(IntentLifecycle l, boolean withToken) {
            Warrant warrant = Warrant.of(l.getWarrantToken());
            return new Lifecycle(
                    l.getIntentId(),
                    l.getTenantId(),
                    l.getAgentId(),
                    l.getAction(),
                    l.getResource(),
                    l.getState(),
                    l.getTier() == null ? null : l.getTier().name(),
                    l.getMode() == null ? null : l.getMode().name(),
                    l.getWarrantId(),
                    warrant == null || withToken ? warrant : warrant.withoutToken(),
                    l.getVerdict() == null ? null : l.getVerdict().name(),
                    List.copyOf(l.getVerdictReasons()),
                    l.getUpdatedAt(),
                    l.getSteps().stream()
                            .map(s -> new Step(
                                    s.getEventType(),
                                    s.getEventId(),
                                    s.getOccurredAt(),
                                    s.getState(),
                                    s.getSummary(),
                                    s.getAuditRecordId()))
                            .toList());
        }
    }

    /** The warrant's compact JWS and its claims as decoded (display only: verify with the sdk's WarrantVerifier). */
    public record Warrant(String token, WarrantClaims claims, String decodingError) {
        Warrant withoutToken() {
            return new Warrant(null, claims, decodingError);
        }

        static Warrant of(String token) {
            if (token == null || token.isEmpty()) {
                return null;
            }
            try {
                return new Warrant(token, WarrantTokens.readUnverified(token), null);
            } catch (ParseException e) {
                return new Warrant(token, null, e.getMessage());
            }
        }
    }

    public record Step(
            String type, String eventId, Instant occurredAt, IntentState state, String summary, String auditRecordId) {}
}
