package dev.vienna.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vienna.events.ApprovalVoteCast;
import dev.vienna.events.EventIds;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.VoteDecision;
import dev.vienna.platform.OpenApiProblems;
import dev.vienna.platform.Problem.FieldError;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.Publisher;
import dev.vienna.platform.security.OperatorScope;
import dev.vienna.platform.security.Roles;
import dev.vienna.platform.streams.InstanceRouter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The operators' API. Every call needs a bearer JWT from the trusted issuer: {@value Roles#VIEWER} or
 * {@value Roles#APPROVER} to read, {@value Roles#APPROVER} to vote; a token limited to tenants sees and decides only
 * their intents. A vote is checked here against the intent's current state by the same {@link ApprovalRules} the
 * topology enforces (so the operator hears at once why it would not count), then published to {@code approval-votes};
 * the topology, which sees every vote in order, has the last word. With several instances, a read or vote of one intent
 * is answered by the instance holding its state and the pending list is merged from all ({@link InstanceRouter}).
 */
@Tag(name = "approvals", description = "Operators decide the intents policy will not let through alone")
@SecurityRequirement(name = OpenApiProblems.OPERATOR)
@Path("/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
public class ApprovalsResource {

    private static final int MAX_REASON = 2000;
    private static final String NOT_HELD =
            "Unknown, decided longer ago than decisions are kept, or in a tenant the token does not cover";

    @Inject
    ApprovalQueries queries;

    @Inject
    Publisher publisher;

    @Inject
    ApprovalConfig config;

    @Inject
    OperatorScope caller;

    @Inject
    InstanceRouter router;

    @Inject
    ObjectMapper json;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    /** {@code GET /v1/approvals/pending[?tier=T3]}: intents waiting for operators, oldest first. */
    @Operation(
            summary = "Intents waiting for operators",
            description = "Oldest policy decision first; ?tier=T2|T3 narrows.")
    @APIResponse(
            responseCode = "200",
            description = "The pending intents with what each still needs",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = ApprovalView.class)))
    @APIResponse(responseCode = "400", description = "Unknown tier")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token holds neither viewer nor approver")
    @APIResponse(
            responseCode = "503",
            description = "The approvals store is not queryable right now, or another instance holding part of the"
                    + " list does not answer (a list with a part missing is never shown); retry after Retry-After")
    @GET
    @Path("/pending")
    @RolesAllowed({Roles.VIEWER, Roles.APPROVER})
    public List<JsonNode> pending(@QueryParam("tier") String tier) {
        Tier wanted = parseTier(tier);
        List<JsonNode> pending = new ArrayList<>(queries.pending().stream()
                .filter(s -> caller.allows(s.tiered().getTenantId()))
                .filter(s -> wanted == null || s.tiered().getTier() == wanted)
                .<JsonNode>map(s -> json.valueToTree(ApprovalView.of(s)))
                .toList());
        // the other instances' parts, each filtered there for the same caller and tier
        pending.addAll(router.fromPeers(ApprovalTopology.APPROVALS_STORE, uri, headers));
        pending.sort(
                Comparator.comparing(view -> Instant.parse(view.path("tieredAt").asText())));
        return pending;
    }

    /**
     * {@code GET /v1/approvals/{intentId}}: one intent's approval state, pending or decided (by operators, at its
     * deadline, or automatically: the policy denied it or asked for no approval).
     */
    @Operation(
            summary = "One intent's approval",
            description =
                    "Pending or decided (by operators, at the deadline, or automatically when the policy denied it or asked for no approval): the action and its digest, the policy's explanation, votes so far, what is still needed, the deadline, the decision.")
    @APIResponse(
            responseCode = "200",
            description = "The approval state",
            content = @Content(schema = @Schema(implementation = ApprovalView.class)))
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The token holds neither viewer nor approver")
    @APIResponse(responseCode = "404", description = NOT_HELD)
    @APIResponse(
            responseCode = "503",
            description = "The approvals store is not queryable right now, or the instance holding this intent does"
                    + " not answer; retry after Retry-After")
    @GET
    @Path("/{intentId}")
    @RolesAllowed({Roles.VIEWER, Roles.APPROVER})
    public Response one(@PathParam("intentId") String intentId) {
        Optional<HostInfo> owner = router.ownerOf(ApprovalTopology.APPROVALS_STORE, intentId, headers);
        if (owner.isPresent()) {
            return router.forward(owner.get(), "GET", uri, headers, null);
        }
        return Response.ok(ApprovalView.of(held(intentId))).build();
    }

    /** {@code POST /v1/approvals/{intentId}/votes}: 202 once the vote is on {@code approval-votes}. */
    @Operation(
            summary = "Vote on an intent",
            description =
                    "Checked against the intent's current state by the rules the topology enforces, then published to approval-votes.")
    @APIResponse(responseCode = "202", description = "Durably published on approval-votes")
    @APIResponse(responseCode = "400", description = "Invalid vote body")
    @APIResponse(responseCode = "401", description = "No bearer token, or one that does not verify")
    @APIResponse(
            responseCode = "403",
            description =
                    "The token lacks approver, or the role the policy names as approverRole; or the operator is the"
                            + " agent or one of the principals it acts for")
    @APIResponse(responseCode = "404", description = NOT_HELD)
    @APIResponse(
            responseCode = "409",
            description = "Already decided (by operators, at its deadline, or automatically by the policy), deadline"
                    + " passed, already voted, or the digest names another action")
    @APIResponse(responseCode = "422", description = "A reason or the agent's justification is required")
    @APIResponse(
            responseCode = "503",
            description = "Not acknowledged by the broker in time, the store is not queryable, or the instance holding"
                    + " this intent does not answer; retry after Retry-After")
    @POST
    @Path("/{intentId}/votes")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.APPROVER)
    public Response vote(@PathParam("intentId") String intentId, VoteRequest request) {
        List<FieldError> errors = request == null ? List.of(new FieldError("body", "is required")) : request.validate();
        if (!errors.isEmpty()) {
            throw new ProblemException(
                    400, "Invalid vote", "the vote has " + errors.size() + " invalid field(s)", errors);
        }
        // checked and published by the instance holding the intent's state: the state it checks is the current one
        Optional<HostInfo> owner = router.ownerOf(ApprovalTopology.APPROVALS_STORE, intentId, headers);
        if (owner.isPresent()) {
            return router.forward(owner.get(), "POST", uri, headers, request);
        }
        String operatorId = caller.operatorId();
        ApprovalState state = held(intentId);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ApprovalVoteCast vote = ApprovalVoteCast.newBuilder()
                .setEventId(EventIds.random())
                .setIntentId(intentId)
                .setTenantId(state.tiered().getTenantId())
                .setOccurredAt(now)
                .setOperatorId(operatorId)
                .setDecision(request.decision())
                .setReason(
                        request.reason() == null || request.reason().isBlank()
                                ? null
                                : request.reason().trim())
                .setActionDigest(request.actionDigest())
                // the identity's roles: the token's groups, after any quarkus.http.auth.roles-mapping
                .setRoles(caller.roles())
                .build();
        ApprovalRules.of(config).refusal(state, vote, now).ifPresent(refusal -> {
            throw new ProblemException(refusal.kind().status, refusal.kind().title, refusal.detail());
        });
        publisher.publish(Topics.APPROVAL_VOTES, intentId, vote, config.publishTimeout());
        return Response.accepted(Map.of(
                        "intentId",
                        intentId,
                        "voteId",
                        vote.getEventId(),
                        "operatorId",
                        operatorId,
                        "decision",
                        vote.getDecision().name(),
                        "status",
                        "RECORDED"))
                .build();
    }

    /** The body of a vote: the decision, why, and the digest of the action the operator saw. */
    public record VoteRequest(VoteDecision decision, String reason, String actionDigest) {
        List<FieldError> validate() {
            List<FieldError> errors = new ArrayList<>();
            if (decision == null) {
                errors.add(new FieldError("decision", "is required: APPROVE or DENY"));
            }
            if (actionDigest == null || actionDigest.isBlank()) {
                errors.add(new FieldError(
                        "actionDigest", "is required: the actionDigest of GET /v1/approvals/{intentId}"));
            }
            if (reason != null && reason.length() > MAX_REASON) {
                errors.add(new FieldError("reason", "must be at most " + MAX_REASON + " characters"));
            }
            return errors;
        }
    }

    /**
     * The intent's approval state, if held and in one of the caller's tenants (otherwise it does not exist for them).
     */
    private ApprovalState held(String intentId) {
        return queries.get(intentId)
                .filter(state -> caller.allows(state.tiered().getTenantId()))
                .orElseThrow(() -> unknown(intentId));
    }

    private static ProblemException unknown(String intentId) {
        return new ProblemException(
                404,
                "Unknown intent",
                "no approval is held for intent " + intentId
                        + " (unknown, decided longer ago than decisions are kept, or outside your tenants)");
    }

    private static Tier parseTier(String tier) {
        if (tier == null || tier.isBlank()) {
            return null;
        }
        try {
            return Tier.valueOf(tier);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Invalid tier", "tier must be one of " + Arrays.toString(Tier.values()));
        }
    }
}
