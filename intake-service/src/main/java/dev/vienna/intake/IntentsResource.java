package dev.vienna.intake;

import dev.vienna.events.AgentChanged;
import dev.vienna.events.EventIds;
import dev.vienna.events.Intent;
import dev.vienna.events.IntentAccepted;
import dev.vienna.events.SubmissionChannel;
import dev.vienna.events.Topics;
import dev.vienna.platform.OpenApiProblems;
import dev.vienna.platform.Problem;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.Publisher;
import dev.vienna.platform.security.AgentApiKeyAuthentication;
import dev.vienna.platform.security.Roles;
import dev.vienna.sdk.client.IntentRequest;
import dev.vienna.sdk.kafka.agents.AgentRegistry;
import dev.vienna.sdk.kafka.events.IntentEvents;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /v1/intents}: a registered agent, authenticated by its API key, submits what it intends to do. Who the
 * agent is, its tenant and the principals it acts for come from the registry: a body that names another agent or
 * tenant, or an owner the agent does not act for, is refused (403), and a suspended agent is refused with the reason
 * (403). The body is read strictly (I-JSON: no repeated member name, nothing unknown, nothing trailing) and within
 * explicit limits ({@link IntakeConfig#maxBodyBytes()} and {@link IntentRequest}'s), then stamped with an intentId and
 * the receive time and answered 202 only after the broker acknowledged it on {@code intents}. With an idempotency key
 * the intentId is derived from tenant, agent and key ({@link IdempotencyKeys}), so a retry gets the original intentId
 * on any instance; one to this instance is answered without publishing again.
 */
@Tag(name = "intents", description = "Agents submit what they intend to do")
@SecurityRequirement(name = OpenApiProblems.AGENT)
@Path("/v1/intents")
public class IntentsResource {

    @Inject
    IntakeConfig config;

    @Inject
    Publisher publisher;

    @Inject
    IdempotencyKeys idempotencyKeys;

    @Inject
    SecurityIdentity identity;

    private final Clock clock = Clock.systemUTC();

    @Operation(
            summary = "Submit an intent",
            description = "Authenticated by the agent's API key (Authorization: Bearer vak_...). Validated, stamped"
                    + " with an intentId and the receive time, and published to intents; answered only after the"
                    + " broker acknowledged it.")
    @APIResponse(
            responseCode = "202",
            description =
                    "Accepted and durably published: intentId, tenantId, replayed (an idempotencyKey seen before)")
    @APIResponse(
            responseCode = "400",
            description = "Invalid body: each invalid field in errors; not I-JSON; an unknown field")
    @APIResponse(responseCode = "401", description = "No API key, or one that is not a registered agent's")
    @APIResponse(
            responseCode = "403",
            description = "The agent is suspended; or the body names another agent, tenant, or an owner the agent"
                    + " does not act for; or the credential is not an agent's")
    @APIResponse(
            responseCode = "413",
            description = "The body is larger than the limit, or too large for the broker: it never succeeds")
    @APIResponse(
            responseCode = "503",
            description = "Not acknowledged by the broker in time: nothing was recorded; retry after Retry-After"
                    + " (same idempotencyKey)")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.AGENT)
    public Response submit(String body) {
        int size = body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length;
        if (size > config.maxBodyBytes()) {
            throw new ProblemException(
                    413, "Intent too large", "the body is " + size + " bytes; at most " + config.maxBodyBytes());
        }
        IntentRequest request;
        try {
            request = IntentRequest.parseStrict(body);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Malformed request body", e.getMessage());
        }
        AgentChanged agent = identity.getAttribute(AgentApiKeyAuthentication.AGENT_ATTRIBUTE);
        refuseIfNotItsOwn(agent, request);
        IntentRequest own = request.withIdentity(agent.getAgentId(), agent.getTenantId());
        var errors = own.validate().stream()
                .map(e -> new Problem.FieldError(e.field(), e.message()))
                .toList();
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "Invalid intent", errors.size() + " field(s) are invalid", errors);
        }
        String tenantId = agent.getTenantId();
        if (own.idempotencyKey() == null) {
            return accepted(publish(own, agent), tenantId, false);
        }
        var result = idempotencyKeys.intentFor(
                tenantId, agent.getAgentId(), own.idempotencyKey(), () -> publish(own, agent));
        return accepted(result.intentId(), tenantId, result.replayed());
    }

    /** A suspended agent, or a body that speaks for another agent, tenant or principal, is refused (403). */
    private static void refuseIfNotItsOwn(AgentChanged agent, IntentRequest request) {
        AgentRegistry.whyNotActive(agent).ifPresent(why -> {
            throw new ProblemException(403, "Agent suspended", why);
        });
        if (request.agentId() != null && !request.agentId().equals(agent.getAgentId())) {
            throw new ProblemException(
                    403,
                    "Not your agent",
                    "the API key is agent " + agent.getAgentId() + "'s; the body names agent " + request.agentId());
        }
        if (request.tenantId() != null && !request.tenantId().equals(agent.getTenantId())) {
            throw new ProblemException(
                    403,
                    "Not your tenant",
                    "agent " + agent.getAgentId() + " acts in tenant " + agent.getTenantId() + ", not "
                            + request.tenantId());
        }
        if (request.owner() != null && !agent.getOwners().contains(request.owner())) {
            throw new ProblemException(
                    403,
                    "Not an owner of this agent",
                    "agent " + agent.getAgentId() + " acts for " + agent.getOwners() + ", not " + request.owner());
        }
    }

    /**
     * Publishes the intent and returns its id once the broker acknowledged it: derived from its idempotency key when it
     * has one ({@link IdempotencyKeys#intentIdOf}), else new.
     */
    private String publish(IntentRequest request, AgentChanged agent) {
        IntentAccepted accepted = toEvent(request, agent);
        publisher.publish(Topics.INTENTS, accepted.getIntentId(), accepted, config.publishTimeout());
        return accepted.getIntentId();
    }

    private IntentAccepted toEvent(IntentRequest request, AgentChanged agent) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Intent intent = IntentEvents.toIntent(request);
        // separation of duties rests on the registry: every principal the agent acts for
        intent.setOwners(List.copyOf(agent.getOwners()));
        return IntentAccepted.newBuilder()
                .setEventId(EventIds.random())
                .setIntentId(
                        request.idempotencyKey() == null
                                ? EventIds.random()
                                : IdempotencyKeys.intentIdOf(
                                        agent.getTenantId(), agent.getAgentId(), request.idempotencyKey()))
                .setTenantId(agent.getTenantId())
                .setOccurredAt(now)
                .setIntent(intent)
                .setChannel(SubmissionChannel.HTTP)
                .build();
    }

    private static Response accepted(String intentId, String tenantId, boolean replayed) {
        return Response.accepted(
                        Map.of("intentId", intentId, "tenantId", tenantId, "status", "ACCEPTED", "replayed", replayed))
                .build();
    }
}
