package dev.vienna.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Pending approvals and one intent's approval: what the agent asks, the policy's explanation, the votes so far, what is
 * still needed and the deadline; and the vote, which carries the digest of exactly the action the page showed.
 */
@RequestScoped
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ApprovalsPage {

    private static final Set<String> TIERS = Set.of("T2", "T3");
    private static final int MAX_REASON = 2000;

    @Inject
    Template approvals;

    @Inject
    Template approval;

    @Inject
    Services services;

    @Inject
    Operator operator;

    @Inject
    ConsoleConfig config;

    @GET
    public Response home() {
        return Response.seeOther(URI.create("/approvals")).build();
    }

    @GET
    @Path("approvals")
    public TemplateInstance list(@QueryParam("tier") String tier) {
        return listData(approvals.instance(), tier);
    }

    /** The rows alone: what the list page fetches to stay current. */
    @GET
    @Path("approvals/rows")
    public TemplateInstance rows(@QueryParam("tier") String tier) {
        return listData(approvals.getFragment("rows").instance(), tier);
    }

    private TemplateInstance listData(TemplateInstance page, String tier) {
        String wanted = tier != null && TIERS.contains(tier) ? tier : null;
        Services.Answer answer = services.approvals("/pending" + (wanted == null ? "" : "?tier=" + wanted));
        return page.data("operator", operator)
                .data("tier", wanted)
                .data("answer", answer)
                .data("pending", answer.ok() ? JsonTemplates.value(answer.body()) : null)
                .data("refreshMillis", config.refreshInterval().toMillis());
    }

    @GET
    @Path("approvals/{intentId}")
    public Response one(@PathParam("intentId") String intentId, @QueryParam("voted") String voted) {
        return detail(
                approval.instance(),
                intentId,
                voted == null ? null : "Your " + voted + " vote is recorded.",
                null,
                null);
    }

    /** The parts of one approval that change (status, votes, what is needed): what its page fetches to stay current. */
    @GET
    @Path("approvals/{intentId}/live")
    public Response live(@PathParam("intentId") String intentId) {
        return detail(approval.getFragment("live").instance(), intentId, null, null, null);
    }

    @POST
    @Path("approvals/{intentId}/votes")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response vote(
            @PathParam("intentId") String intentId,
            @FormParam("decision") String decision,
            @FormParam("reason") String reason,
            @FormParam("actionDigest") String actionDigest) {
        if (!"APPROVE".equals(decision) && !"DENY".equals(decision)) {
            return detail(approval.instance(), intentId, null, "400 Invalid vote: choose Approve or Deny", reason);
        }
        if (reason != null && reason.length() > MAX_REASON) {
            return detail(
                    approval.instance(),
                    intentId,
                    null,
                    "400 Invalid vote: a reason has at most " + MAX_REASON + " characters",
                    reason);
        }
        Map<String, Object> vote = new LinkedHashMap<>();
        vote.put("decision", decision);
        vote.put("reason", reason == null || reason.isBlank() ? null : reason.trim());
        vote.put("actionDigest", actionDigest);
        Services.Answer answer = services.vote(intentId, vote);
        if (answer.ok()) {
            return Response.seeOther(URI.create("/approvals/" + Services.segment(intentId) + "?voted=" + decision))
                    .build();
        }
        // the service's refusal, on the page the operator voted from: self-approval, already voted, wrong role, too
        // late
        return detail(approval.instance(), intentId, null, answer.problem(), reason, answer.status());
    }

    private Response detail(TemplateInstance page, String intentId, String notice, String refusal, String reason) {
        return detail(page, intentId, notice, refusal, reason, 0);
    }

    private Response detail(
            TemplateInstance page, String intentId, String notice, String refusal, String reason, int refusalStatus) {
        Services.Answer answer = services.approvals("/" + Services.segment(intentId));
        JsonNode view = answer.ok() ? answer.body() : null;
        TemplateInstance rendered = page.data("operator", operator)
                .data("intentId", intentId)
                .data("answer", answer)
                .data("a", view)
                .data("notice", notice)
                .data("refusal", refusal)
                .data("reason", reason == null ? "" : reason)
                .data(
                        "canVote",
                        view != null
                                && operator.approver()
                                && "PENDING".equals(view.path("status").asText()))
                .data("refreshMillis", config.refreshInterval().toMillis());
        int status = refusalStatus > 0 ? refusalStatus : answer.pageStatus();
        return Response.status(status)
                .entity(rendered)
                .type(MediaType.TEXT_HTML)
                .build();
    }
}
