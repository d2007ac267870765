package dev.vienna.warrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.events.EventIds;
import dev.vienna.events.RevocationScope;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.platform.Problem.FieldError;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.Publisher;
import dev.vienna.sdk.canonical.ActionRequest;
import dev.vienna.sdk.warrant.WarrantVerifier;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Checking and revoking warrants. Revocations are answered 202 once durably published; verifiers that follow
 * {@code warrant-revocations} refuse the warrants from then on (within a second on the local stack). These endpoints
 * ask for no credential yet, and {@code revokedBy} is what the body says: operator tokens for them are part of the
 * trust-boundary work.
 */
@Tag(name = "warrants", description = "Checking and revoking warrants")
@Path("/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class WarrantsResource {

    @Inject
    Publisher publisher;

    @Inject
    WarrantChecks checks;

    @Inject
    WarrantConfig config;

    /** Why and by whom something is revoked; {@code intentId} links a warrant revocation to its intent. */
    public record RevocationRequest(String reason, String revokedBy, String intentId, String tenantId) {
        void validate() {
            List<FieldError> errors = new ArrayList<>();
            if (reason == null || reason.isBlank()) {
                errors.add(new FieldError("reason", "is required"));
            }
            if (revokedBy == null || revokedBy.isBlank()) {
                errors.add(new FieldError("revokedBy", "is required"));
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
    @APIResponse(responseCode = "400", description = "No reason or revokedBy")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @POST
    @Path("/warrants/{warrantId}/revoke")
    public Response revokeWarrant(@PathParam("warrantId") String warrantId, RevocationRequest request) {
        requireBody(request).validate();
        publish(revocation(request, RevocationScope.WARRANT, warrantId, null));
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
    @APIResponse(responseCode = "400", description = "No reason or revokedBy")
    @APIResponse(responseCode = "503", description = "Not acknowledged by the broker in time; retry after Retry-After")
    @POST
    @Path("/agents/{agentId}/revoke-warrants")
    public Response revokeAgent(@PathParam("agentId") String agentId, RevocationRequest request) {
        requireBody(request).validate();
        WarrantRevoked revoked = revocation(request, RevocationScope.AGENT, null, agentId);
        publish(revoked);
        return Response.accepted(Map.of(
                        "scope",
                        "AGENT",
                        "agentId",
                        agentId,
                        "revokedBefore",
                        revoked.getRevokedBefore().toString()))
                .build();
    }

    /** The action about to run and the warrant presented for it. */
    public record VerifyRequest(
            String token, String audience, String agentId, String action, String resource, JsonNode params) {}

    @Operation(
            summary = "Verify a warrant for an action",
            description =
                    "Every check of the sdk's WarrantVerifier, consuming nothing: valid, or the first reason it fails.")
    @APIResponse(responseCode = "200", description = "The verification: valid, reason, detail, claims")
    @APIResponse(responseCode = "400", description = "A required field is missing")
    @POST
    @Path("/warrants/verify")
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
        String params = request.params() == null || request.params().isNull()
                ? "{}"
                : request.params().toString();
        return checks.verifier()
                .verify(
                        request.token(),
                        request.audience(),
                        new ActionRequest(request.agentId(), request.action(), request.resource(), params));
    }

    /** Keyed by what is revoked ({@code warrant:<id>}, {@code agent:<id>}): the compacted topic keeps the newest. */
    private void publish(WarrantRevoked revoked) {
        String key = revoked.getScope() == RevocationScope.WARRANT
                ? "warrant:" + revoked.getWarrantId()
                : "agent:" + revoked.getAgentId();
        publisher.publish(Topics.WARRANT_REVOCATIONS, key, revoked, config.publishTimeout());
    }

    private static RevocationRequest requireBody(RevocationRequest request) {
        if (request == null) {
            throw new ProblemException(
                    400, "Invalid revocation", "the request has no body: reason and revokedBy are required");
        }
        return request;
    }

    private static WarrantRevoked revocation(
            RevocationRequest request, RevocationScope scope, String warrantId, String agentId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return WarrantRevoked.newBuilder()
                .setEventId(EventIds.random())
                .setIntentId(request.intentId() == null ? "" : request.intentId())
                .setTenantId(request.tenantId() == null ? "default" : request.tenantId())
                .setOccurredAt(now)
                .setScope(scope)
                .setWarrantId(warrantId)
                .setAgentId(agentId)
                .setRevokedBefore(now)
                .setRevokedBy(request.revokedBy())
                .setReason(request.reason())
                .build();
    }
}
