package dev.vienna.warrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.events.EventIds;
import dev.vienna.events.RevocationScope;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.platform.Problem.FieldError;
import dev.vienna.platform.ProblemException;
import dev.vienna.sdk.ActionRequest;
import dev.vienna.sdk.WarrantVerifier;
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

/**
 * Checking and revoking warrants. Revocations are answered 202 once durably published; verifiers that follow
 * {@code warrant-revocations} refuse the warrants within a second. (Operator authentication of these endpoints arrives
 * with the approvals work: revoking only ever removes authority, but it must still be attributable.)
 */
@Path("/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class WarrantsResource {

    @Inject
    RevocationPublisher publisher;

    @Inject
    WarrantChecks checks;

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

    @POST
    @Path("/warrants/{warrantId}/revoke")
    public Response revokeWarrant(@PathParam("warrantId") String warrantId, RevocationRequest request) {
        requireBody(request).validate();
        publisher.publish(revocation(request, RevocationScope.WARRANT, warrantId, null));
        return Response.accepted(Map.of("scope", "WARRANT", "warrantId", warrantId))
                .build();
    }

    /** The kill switch: every warrant of the agent issued up to now stops verifying. */
    @POST
    @Path("/agents/{agentId}/revoke-warrants")
    public Response revokeAgent(@PathParam("agentId") String agentId, RevocationRequest request) {
        requireBody(request).validate();
        WarrantRevoked revoked = revocation(request, RevocationScope.AGENT, null, agentId);
        publisher.publish(revoked);
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
