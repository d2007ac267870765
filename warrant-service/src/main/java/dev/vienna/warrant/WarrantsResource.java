package dev.vienna.warrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.events.EventIds;
import dev.vienna.events.RevocationScope;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.platform.OpenApiProblems;
import dev.vienna.platform.Problem.FieldError;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.Publisher;
import dev.vienna.platform.security.Agents;
import dev.vienna.platform.security.OperatorScope;
import dev.vienna.platform.security.Roles;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.PossessionProofs;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantVerifier;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
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
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Checking and revoking warrants. Revoking needs the {@value Roles#SECURITY} role, verifying {@value Roles#AUDITOR} or
 * {@value Roles#SECURITY}; who revoked is the operator of the token, never the body. Revocations are answered 202 once
 * durably published; verifiers that follow {@code warrant-revocations} refuse the warrants from then on (within a
 * second on the local stack). An operator limited to tenants revokes only within them: an agent's warrants when the
 * registry puts the agent in one of their tenants, one warrant when they present it (its signature proves its tenant).
 */
@Tag(name = "warrants", description = "Checking and revoking warrants")
@SecurityRequirement(name = OpenApiProblems.OPERATOR)
@Path("/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class WarrantsResource {

    private static final int MAX_REASON = 2000;

    @Inject
    Publisher publisher;

    @Inject
    WarrantChecks checks;

    @Inject
    WarrantConfig config;

    @Inject
    OperatorScope caller;

    @Inject
    Agents agents;

    private final Clock clock = Clock.systemUTC();

    /**
     * Why something is revoked; {@code intentId} links a warrant revocation to its intent; {@code token} is the warrant
     * itself, which an operator limited to tenants must present.
     */
    public record RevocationRequest(String reason, String intentId, String token) {
        void validate() {
            List<FieldError> errors = new ArrayList<>();
            if (reason == null || reason.isBlank()) {
                errors.add(new FieldError("reason", "is required"));
            } else if (reason.length() > MAX_REASON) {
                errors.add(new FieldError("reason", "must be at most " + MAX_REASON + " characters"));
            }
            if (!errors.isEmpty()) {
                throw new ProblemException(400, "Invalid revocation", errors.size() + " field(s) are invalid", errors);
            }
        }
    }

    @Operation(
            summary = "Revoke one warrant",
            description = "Every verifier that follows warrant-revocations refuses it from then on (REVOKED).")
    @APIResponse(responseCode = "202", description = "Durably published on warrant-revocations")
    @APIResponse(responseCode = "400", description = "No reason, or a token that is not this warrant")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(
            responseCode = "403",
            description = "The token lacks security; or it is limited to tenants and the warrant is not presented or"
                    + " belongs to another tenant")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @POST
    @Path("/warrants/{warrantId}/revoke")
    @RolesAllowed(Roles.SECURITY)
    public Response revokeWarrant(@PathParam("warrantId") String warrantId, RevocationRequest request) {
        requireBody(request).validate();
        String tenantId = tenantOfPresentedWarrant(warrantId, request);
        publish(revocation(request, RevocationScope.WARRANT, warrantId, null, tenantId));
        return Response.accepted(Map.of("scope", "WARRANT", "warrantId", warrantId))
                .build();
    }

    /** The kill switch: every warrant of the agent issued up to now stops verifying. */
    @Operation(
            summary = "Kill switch: revoke every warrant of an agent",
            description = "Every warrant of the agent issued up to now stops verifying.")
    @APIResponse(
            responseCode = "202",
            description = "Durably published on warrant-revocations; revokedBefore is the cut-off")
    @APIResponse(responseCode = "400", description = "No reason")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks security")
    @APIResponse(
            responseCode = "404",
            description = "The token is limited to tenants and the agent is not registered in one of them")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @POST
    @Path("/agents/{agentId}/revoke-warrants")
    @RolesAllowed(Roles.SECURITY)
    public Response revokeAgent(@PathParam("agentId") String agentId, RevocationRequest request) {
        requireBody(request).validate();
        String tenantId = agents.registry()
                .agent(agentId)
                .map(agent -> agent.getTenantId())
                .filter(caller::allows)
                .orElseGet(() -> {
                    if (caller.tenants().isPresent()) {
                        throw new ProblemException(
                                404, "Unknown agent", "no agent " + agentId + " is registered in your tenants");
                    }
                    return "default";
                });
        WarrantRevoked revoked = revocation(request, RevocationScope.AGENT, null, agentId, tenantId);
        publish(revoked);
        return Response.accepted(Map.of(
                        "scope",
                        "AGENT",
                        "agentId",
                        agentId,
                        "revokedBefore",
                        revoked.getRevokedBefore().toString(),
                        "revokedBy",
                        revoked.getRevokedBy()))
                .build();
    }

    /** The action about to run and the warrant presented for it. */
    /**
     * A warrant and the action it is presented for; {@code proof} is the agent's {@code PossessionProofs} proof
     * (purpose {@code verify}), which a key-bound (PASSBACK) warrant needs to verify.
     */
    public record VerifyRequest(
            String token,
            String audience,
            String agentId,
            String action,
            String resource,
            JsonNode params,
            String proof) {}

    /** How old a proof of possession presented here may be. */
    static final Duration PROOF_MAX_AGE = Duration.ofMinutes(5);

    @Operation(
            summary = "Verify a warrant for an action",
            description =
                    "Every check of the sdk's WarrantVerifier, consuming nothing: valid, or the first reason it fails."
                            + " A key-bound (PASSBACK) warrant verifies only with a proof of possession by its key.")
    @APIResponse(responseCode = "200", description = "The verification: valid, reason, detail, claims")
    @APIResponse(responseCode = "400", description = "A required field is missing")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token lacks auditor or security")
    @APIResponse(
            responseCode = "503",
            description = "The revocations are not read to their end yet; retry after Retry-After")
    @POST
    @Path("/warrants/verify")
    @RolesAllowed({Roles.AUDITOR, Roles.SECURITY})
    public WarrantVerifier.Verification verify(VerifyRequest request) {
        if (request == null
                || request.token() == null
                || request.audience() == null
                || request.agentId() == null
                || request.action() == null
                || request.resource() == null) {
            throw new ProblemException(
                    400,
                    "Invalid verification request",
                    "token, audience, agentId, action and resource are required; params is the action's JSON object");
        }
        checks.requireCurrent();
        String params = request.params() == null || request.params().isNull()
                ? "{}"
                : request.params().toString();
        return checks.verifier()
                .verify(
                        request.token(),
                        request.audience(),
                        new ActionRequest(request.agentId(), request.action(), request.resource(), params),
                        request.proof() == null
                                ? WarrantVerifier.Presenter.NO_PROOF
                                : WarrantVerifier.Presenter.proving(
                                        request.proof(), PossessionProofs.VERIFY, clock, PROOF_MAX_AGE));
    }

    /**
     * The tenant of the warrant being revoked: from the presented warrant (its signature checked with this service's
     * keys), which an operator limited to tenants must present; "default" when an organisation-wide operator revokes by
     * id alone.
     */
    private String tenantOfPresentedWarrant(String warrantId, RevocationRequest request) {
        if (request.token() == null) {
            if (caller.tenants().isPresent()) {
                throw new ProblemException(
                        403,
                        "Forbidden",
                        "an operator limited to tenants revokes a warrant by presenting it: put the warrant in token");
            }
            return "default";
        }
        WarrantClaims claims = checks.signedClaims(request.token())
                .orElseThrow(() -> new ProblemException(
                        400, "Invalid revocation", "token is not a warrant signed by this service's keys"));
        if (!claims.warrantId().equals(warrantId)) {
            throw new ProblemException(
                    400, "Invalid revocation", "token is warrant " + claims.warrantId() + ", not " + warrantId);
        }
        if (!caller.allows(claims.tenantId())) {
            throw new ProblemException(403, "Forbidden", "warrant " + warrantId + " belongs to another tenant");
        }
        return claims.tenantId();
    }

    private static RevocationRequest requireBody(RevocationRequest request) {
        if (request == null) {
            throw new ProblemException(400, "Invalid revocation", "the request has no body: reason is required");
        }
        return request;
    }

    private void publish(WarrantRevoked revoked) {
        publisher.publish(Topics.WARRANT_REVOCATIONS, keyOf(revoked), revoked, config.publishTimeout());
    }

    /** What a revocation is keyed by on the compacted topic, which keeps the newest per key: what it revokes. */
    static String keyOf(WarrantRevoked revoked) {
        return revoked.getScope() == RevocationScope.WARRANT
                ? "warrant:" + revoked.getWarrantId()
                : "agent:" + revoked.getAgentId();
    }

    private WarrantRevoked revocation(
            RevocationRequest request, RevocationScope scope, String warrantId, String agentId, String tenantId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return WarrantRevoked.newBuilder()
                .setEventId(EventIds.random())
                .setIntentId(request.intentId() == null ? "" : request.intentId())
                .setTenantId(tenantId)
                .setOccurredAt(now)
                .setScope(scope)
                .setWarrantId(warrantId)
                .setAgentId(agentId)
                .setRevokedBefore(now)
                .setRevokedBy(caller.operatorId())
                .setReason(request.reason().trim())
                .build();
    }
}
