package dev.vienna.intake;

import dev.vienna.events.AgentApiKey;
import dev.vienna.events.AgentChange;
import dev.vienna.events.AgentChanged;
import dev.vienna.events.AgentSigningKey;
import dev.vienna.events.AgentStatus;
import dev.vienna.events.AvroSerde;
import dev.vienna.events.EventIds;
import dev.vienna.events.Topics;
import dev.vienna.platform.OpenApiProblems;
import dev.vienna.platform.Problem.FieldError;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.ProblemResponses;
import dev.vienna.platform.Publisher;
import dev.vienna.platform.security.Agents;
import dev.vienna.platform.security.OperatorScope;
import dev.vienna.platform.security.Roles;
import dev.vienna.sdk.kafka.agents.ApiKeys;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The agent registry's API, for operators: {@value Roles#ADMIN} registers agents and issues their keys,
 * {@value Roles#SECURITY} (or admin) suspends, resumes and revokes keys, {@value Roles#VIEWER}, security and admin
 * read. Every change is the agent's whole new entry on the compacted {@code agents} topic, attributed to the operator
 * of the token; the answer waits until this instance's registry has applied it, so the next request sees it. An API key
 * is shown once, in the answer that makes it; only its SHA-256 is kept. An operator limited to tenants registers, sees
 * and changes only agents of those tenants. Concurrent changes of one agent through two intake instances may overwrite
 * each other (the last one written wins): registry changes are an operator's, not an agent's, path.
 */
@Tag(name = "agents", description = "The agent registry: who may act, for whom, with which keys")
@SecurityRequirement(name = OpenApiProblems.OPERATOR)
@Path("/v1/agents")
@Produces(MediaType.APPLICATION_JSON)
public class AgentsResource {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@/-]{1,128}");
    /** An agent id is also a path segment of this API: no slash. */
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_OWNERS = 16;
    private static final int MAX_REASON = 2000;
    private static final AvroSerde<AgentChanged> ENTRIES = new AvroSerde<>(AgentChanged.class);

    @Inject
    Agents agents;

    @Inject
    Publisher publisher;

    @Inject
    IntakeConfig config;

    @Inject
    OperatorScope caller;

    private final Clock clock = Clock.systemUTC();

    /** A registration: who the agent is, where, for whom, and the public half of its signing key. */
    public record Registration(
            String agentId, String tenantId, List<String> owners, String publicKey, String signingKeyId) {}

    /** Why an agent is suspended or resumed. */
    public record Reason(String reason) {}

    /** Another signing key of the agent (rotation: add the new one, then revoke the old one). */
    public record SigningKey(String keyId, String publicKey) {}

    @Operation(
            summary = "Register an agent",
            description = "Its id, tenant, owners (the principals it acts for, who may never approve its intents) and"
                    + " the public half of its Ed25519 key; answers its first API key, shown this once.")
    @APIResponse(responseCode = "201", description = "Registered: the agent and its API key (apiKey), shown once")
    @APIResponse(responseCode = "400", description = "Invalid registration: each invalid field in errors")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks admin, or the tenant is not one of its tenants")
    @APIResponse(responseCode = "409", description = "An agent with this id is registered already")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Response register(Registration registration) {
        validate(registration);
        if (!caller.allows(registration.tenantId())) {
            throw new ProblemException(403, "Forbidden", "tenant " + registration.tenantId() + " is not yours");
        }
        if (agents.registry().agent(registration.agentId()).isPresent()) {
            throw new ProblemException(
                    409, "Agent registered already", "agent " + registration.agentId() + " is registered");
        }
        Instant now = now();
        ApiKeys.Issued key = ApiKeys.generate();
        AgentChanged entry = AgentChanged.newBuilder()
                .setEventId(EventIds.random())
                .setTenantId(registration.tenantId())
                .setOccurredAt(now)
                .setAgentId(registration.agentId())
                .setChange(AgentChange.REGISTERED)
                .setStatus(AgentStatus.ACTIVE)
                .setOwners(List.copyOf(registration.owners()))
                .setSigningKeys(List.of(AgentSigningKey.newBuilder()
                        .setKeyId(
                                registration.signingKeyId() == null
                                        ? registration.agentId() + "-1"
                                        : registration.signingKeyId())
                        .setPublicKey(registration.publicKey())
                        .setAddedAt(now)
                        .build()))
                .setApiKeys(List.of(apiKey(key, now)))
                .setChangedBy(caller.operatorId())
                .build();
        publish(entry);
        Map<String, Object> body = new LinkedHashMap<>(AgentView.of(entry).asMap());
        body.put("apiKey", key.key());
        return Response.status(201).entity(body).build();
    }

    @Operation(summary = "Every registered agent", description = "Without any key material but public keys.")
    @APIResponse(responseCode = "200", description = "The agents of the token's tenants")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks viewer, security or admin")
    @APIResponse(responseCode = "503", description = "The registry is not read to its end yet; retry after Retry-After")
    @GET
    @RolesAllowed({Roles.VIEWER, Roles.SECURITY, Roles.ADMIN})
    public List<AgentView> list() {
        requireCurrent();
        return agents.registry().all().stream()
                .filter(agent -> caller.allows(agent.getTenantId()))
                .map(AgentView::of)
                .toList();
    }

    @Operation(summary = "One agent")
    @APIResponse(responseCode = "200", description = "The agent")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks viewer, security or admin")
    @APIResponse(responseCode = "404", description = "No such agent in the token's tenants")
    @GET
    @Path("/{agentId}")
    @RolesAllowed({Roles.VIEWER, Roles.SECURITY, Roles.ADMIN})
    public AgentView one(@PathParam("agentId") String agentId) {
        return AgentView.of(existing(agentId));
    }

    @Operation(
            summary = "Suspend an agent (kill switch)",
            description = "Intake refuses its intents, warrant-service signs nothing more for it (held approvals"
                    + " included) and revokes every warrant it was issued up to now.")
    @APIResponse(responseCode = "200", description = "Suspended: the agent as it is now")
    @APIResponse(responseCode = "400", description = "No reason")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks security or admin")
    @APIResponse(responseCode = "404", description = "No such agent in the token's tenants")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @POST
    @Path("/{agentId}/suspend")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.SECURITY, Roles.ADMIN})
    public AgentView suspend(@PathParam("agentId") String agentId, Reason reason) {
        String why = requireReason(reason);
        return change(agentId, AgentChange.SUSPENDED, why, (entry, now) -> {
            entry.setStatus(AgentStatus.SUSPENDED);
            entry.setSuspendedAt(now);
            return true;
        });
    }

    @Operation(summary = "Resume a suspended agent", description = "Warrants revoked by the suspension stay revoked.")
    @APIResponse(responseCode = "200", description = "Active again: the agent as it is now")
    @APIResponse(responseCode = "400", description = "No reason")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks security or admin")
    @APIResponse(responseCode = "404", description = "No such agent in the token's tenants")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @POST
    @Path("/{agentId}/resume")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.SECURITY, Roles.ADMIN})
    public AgentView resume(@PathParam("agentId") String agentId, Reason reason) {
        String why = requireReason(reason);
        return change(agentId, AgentChange.RESUMED, why, (entry, now) -> {
            entry.setStatus(AgentStatus.ACTIVE);
            entry.setSuspendedAt(null);
            return true;
        });
    }

    @Operation(summary = "Issue another API key", description = "For rotation: issue the new key, then revoke the old.")
    @APIResponse(responseCode = "201", description = "The new key (apiKey), shown once")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks admin")
    @APIResponse(responseCode = "404", description = "No such agent in the token's tenants")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @POST
    @Path("/{agentId}/api-keys")
    @RolesAllowed(Roles.ADMIN)
    public Response addApiKey(@PathParam("agentId") String agentId) {
        ApiKeys.Issued key = ApiKeys.generate();
        AgentView view =
                change(agentId, AgentChange.API_KEY_ADDED, "API key " + key.keyId() + " issued", (entry, now) -> {
                    List<AgentApiKey> keys = new ArrayList<>(entry.getApiKeys());
                    keys.add(apiKey(key, now));
                    entry.setApiKeys(keys);
                    return true;
                });
        Map<String, Object> body = new LinkedHashMap<>(view.asMap());
        body.put("apiKeyId", key.keyId());
        body.put("apiKey", key.key());
        return Response.status(201).entity(body).build();
    }

    @Operation(summary = "Revoke an API key", description = "The key authenticates nothing from then on.")
    @APIResponse(responseCode = "200", description = "Revoked: the agent as it is now")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks security or admin")
    @APIResponse(responseCode = "404", description = "No such agent in the token's tenants, or no such key")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @DELETE
    @Path("/{agentId}/api-keys/{keyId}")
    @RolesAllowed({Roles.SECURITY, Roles.ADMIN})
    public AgentView revokeApiKey(@PathParam("agentId") String agentId, @PathParam("keyId") String keyId) {
        return change(
                agentId,
                AgentChange.API_KEY_REVOKED,
                "API key " + keyId + " revoked",
                (entry, now) -> revoke(
                        entry.getApiKeys(),
                        AgentApiKey::getKeyId,
                        AgentApiKey::getRevokedAt,
                        key -> key.setRevokedAt(now),
                        keyId,
                        "agent " + agentId + " has no API key " + keyId));
    }

    @Operation(summary = "Add a signing key", description = "For rotation: add the new key, then revoke the old.")
    @APIResponse(responseCode = "200", description = "Added: the agent as it is now")
    @APIResponse(responseCode = "400", description = "Not an Ed25519 public key, or the key id is taken")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks admin")
    @APIResponse(responseCode = "404", description = "No such agent in the token's tenants")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @POST
    @Path("/{agentId}/signing-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public AgentView addSigningKey(@PathParam("agentId") String agentId, SigningKey key) {
        List<FieldError> errors = new ArrayList<>();
        if (key == null || key.keyId() == null || !KEY_ID.matcher(key.keyId()).matches()) {
            errors.add(new FieldError("keyId", "must be 1-64 characters of letters, digits and ._-"));
        }
        checkPublicKey(errors, key == null ? null : key.publicKey());
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "Invalid signing key", errors.size() + " field(s) are invalid", errors);
        }
        return change(agentId, AgentChange.SIGNING_KEY_ADDED, "signing key " + key.keyId() + " added", (entry, now) -> {
            if (entry.getSigningKeys().stream().anyMatch(k -> k.getKeyId().equals(key.keyId()))) {
                throw new ProblemException(400, "Invalid signing key", "key id " + key.keyId() + " is taken");
            }
            List<AgentSigningKey> keys = new ArrayList<>(entry.getSigningKeys());
            keys.add(AgentSigningKey.newBuilder()
                    .setKeyId(key.keyId())
                    .setPublicKey(key.publicKey())
                    .setAddedAt(now)
                    .build());
            entry.setSigningKeys(keys);
            return true;
        });
    }

    @Operation(summary = "Revoke a signing key", description = "Submissions signed with it are refused from then on.")
    @APIResponse(responseCode = "200", description = "Revoked: the agent as it is now")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks security or admin")
    @APIResponse(responseCode = "404", description = "No such agent in the token's tenants, or no such key")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @DELETE
    @Path("/{agentId}/signing-keys/{keyId}")
    @RolesAllowed({Roles.SECURITY, Roles.ADMIN})
    public AgentView revokeSigningKey(@PathParam("agentId") String agentId, @PathParam("keyId") String keyId) {
        return change(
                agentId,
                AgentChange.SIGNING_KEY_REVOKED,
                "signing key " + keyId + " revoked",
                (entry, now) -> revoke(
                        entry.getSigningKeys(),
                        AgentSigningKey::getKeyId,
                        AgentSigningKey::getRevokedAt,
                        key -> key.setRevokedAt(now),
                        keyId,
                        "agent " + agentId + " has no signing key " + keyId));
    }

    /** One edit of a registry entry, made at {@code now}; false when it changes nothing (then nothing is published). */
    @FunctionalInterface
    private interface Edit {
        boolean apply(AgentChanged entry, Instant now);
    }

    /**
     * The agent's next entry: a copy of the current one, changed, attributed and published; the current one when the
     * edit changes nothing.
     */
    private AgentView change(String agentId, AgentChange change, String reason, Edit edit) {
        AgentChanged current = existing(agentId);
        AgentChanged next = ENTRIES.copy(current);
        Instant now = now();
        if (!edit.apply(next, now)) {
            return AgentView.of(current);
        }
        next.setEventId(EventIds.random());
        next.setOccurredAt(now);
        next.setChange(change);
        next.setChangedBy(caller.operatorId());
        next.setReason(reason);
        publish(next);
        return AgentView.of(next);
    }

    private AgentChanged existing(String agentId) {
        requireCurrent();
        return agents.registry()
                .agent(agentId)
                .filter(agent -> caller.allows(agent.getTenantId()))
                .orElseThrow(() -> new ProblemException(
                        404,
                        "Unknown agent",
                        "no agent " + agentId + " is registered"
                                + (caller.tenants().isPresent() ? " in your tenants" : "")));
    }

    /**
     * Revokes the key with {@code keyId} among {@code keys} (404 with {@code unknown} when there is none); false when
     * it is revoked already.
     */
    private static <K> boolean revoke(
            List<K> keys,
            Function<K, String> idOf,
            Function<K, Instant> revokedAtOf,
            Consumer<K> revokeIt,
            String keyId,
            String unknown) {
        K key = keys.stream()
                .filter(k -> idOf.apply(k).equals(keyId))
                .findFirst()
                .orElseThrow(() -> new ProblemException(404, "Unknown key", unknown));
        if (revokedAtOf.apply(key) != null) {
            return false;
        }
        revokeIt.accept(key);
        return true;
    }

    /** Publishes the entry, then waits until this instance's registry has applied it. */
    private void publish(AgentChanged entry) {
        publisher.publish(Topics.AGENTS, entry.getAgentId(), entry, config.publishTimeout());
        boolean applied;
        try {
            applied = agents.registry().awaitApplied(entry.getAgentId(), entry.getEventId(), config.publishTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted", "interrupted", Duration.ofSeconds(1));
        }
        if (!applied) {
            throw ProblemException.unavailable(
                    "Not applied yet",
                    "the change is recorded but this instance has not read it back yet; read the agent again",
                    ProblemResponses.RETRY_AFTER);
        }
    }

    private void requireCurrent() {
        if (!agents.registry().caughtUp()) {
            throw ProblemException.unavailable(
                    "Not available yet",
                    "the agent registry is not read to its end yet; retry shortly",
                    ProblemResponses.RETRY_AFTER);
        }
    }

    private static void validate(Registration registration) {
        List<FieldError> errors = new ArrayList<>();
        if (registration == null) {
            throw new ProblemException(400, "Invalid registration", "the request has no body");
        }
        if (registration.agentId() == null
                || !AGENT_ID.matcher(registration.agentId()).matches()) {
            errors.add(new FieldError("agentId", "is required: 1-128 characters of letters, digits and ._:@-"));
        } else if (registration.signingKeyId() == null
                && !KEY_ID.matcher(registration.agentId() + "-1").matches()) {
            errors.add(new FieldError(
                    "signingKeyId",
                    "is required when " + registration.agentId() + "-1 is not a key id (1-64 characters of letters,"
                            + " digits and ._-)"));
        }
        if (registration.tenantId() == null
                || !ID.matcher(registration.tenantId()).matches()) {
            errors.add(new FieldError("tenantId", "is required: 1-128 characters of letters, digits and ._:@/-"));
        }
        if (registration.owners() == null
                || registration.owners().isEmpty()
                || registration.owners().size() > MAX_OWNERS) {
            errors.add(new FieldError("owners", "must name 1 to " + MAX_OWNERS + " principals the agent acts for"));
        } else if (registration.owners().stream()
                .anyMatch(owner -> owner == null || !ID.matcher(owner).matches())) {
            errors.add(new FieldError("owners", "each must be 1-128 characters of letters, digits and ._:@/-"));
        }
        if (registration.signingKeyId() != null
                && !KEY_ID.matcher(registration.signingKeyId()).matches()) {
            errors.add(new FieldError("signingKeyId", "must be 1-64 characters of letters, digits and ._-"));
        }
        checkPublicKey(errors, registration.publicKey());
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "Invalid registration", errors.size() + " field(s) are invalid", errors);
        }
    }

    private static void checkPublicKey(List<FieldError> errors, String publicKey) {
        byte[] raw = null;
        if (publicKey != null && publicKey.length() <= 64) {
            try {
                raw = Base64.getUrlDecoder().decode(publicKey);
            } catch (IllegalArgumentException e) {
                raw = null;
            }
        }
        if (raw == null || raw.length != 32) {
            errors.add(new FieldError(
                    "publicKey", "must be an Ed25519 public key: its raw 32 bytes, base64url without padding"));
        }
    }

    private static String requireReason(Reason reason) {
        if (reason == null || reason.reason() == null || reason.reason().isBlank()) {
            throw new ProblemException(
                    400, "Reason required", "say why", List.of(new FieldError("reason", "is required")));
        }
        if (reason.reason().length() > MAX_REASON) {
            throw new ProblemException(
                    400,
                    "Reason too long",
                    "at most " + MAX_REASON + " characters",
                    List.of(new FieldError("reason", "must be at most " + MAX_REASON + " characters")));
        }
        return reason.reason().trim();
    }

    private static AgentApiKey apiKey(ApiKeys.Issued key, Instant now) {
        return AgentApiKey.newBuilder()
                .setKeyId(key.keyId())
                .setSha256(key.sha256())
                .setCreatedAt(now)
                .build();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
