package dev.vienna.policy;

import dev.vienna.platform.OpenApiProblems;
import dev.vienna.platform.Problem.FieldError;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.security.Roles;
import dev.vienna.policy.engine.Decision;
import dev.vienna.policy.engine.PolicySet;
import dev.vienna.sdk.client.IntentRequest;
import dev.vienna.sdk.kafka.events.IntentEvents;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operators' view of the policy: {@code GET /v1/policy} shows the active version, its rules and settings, and the
 * newest refused edit with its errors; {@code POST /v1/policy/evaluate[?at=INSTANT]} answers the decision the active
 * set gives an intent body (the same body as {@code POST /v1/intents}), without publishing anything. Both need an
 * operator's bearer JWT with any of Vienna's operator roles ({@value Roles#VIEWER}, {@value Roles#APPROVER},
 * {@value Roles#AUDITOR}, {@value Roles#SECURITY}, {@value Roles#ADMIN}): the rules say what each action needs, which
 * every operator may read; an agent's API key is not a credential here (401).
 */
@Tag(name = "policy", description = "The rules in force, and dry runs against them")
@SecurityRequirement(name = OpenApiProblems.OPERATOR)
@Path("/v1/policy")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.APPROVER, Roles.AUDITOR, Roles.SECURITY, Roles.ADMIN})
public class PolicyResource {

    private static final String NO_TOKEN =
            "No bearer token, or one that does not verify (an agent's API key is not a credential here)";
    private static final String NO_ROLE = "The token holds none of viewer, approver, auditor, security or admin";

    @Inject
    ActivePolicy policy;

    private final Clock clock = Clock.systemUTC();

    /** A decision as JSON: the engine's decision with its Avro parts spelled out. */
    public record DecisionView(
            String decision,
            String tier,
            int riskScore,
            String scoreTier,
            List<Map<String, Object>> scoreFactors,
            List<Map<String, Object>> matchedRules,
            int requiredApprovals,
            String approverRole,
            boolean justificationRequired,
            String mode,
            Map<String, String> constraints,
            String approvalTtl,
            List<String> reasons,
            String policyVersion) {

        static DecisionView of(Decision d) {
            return new DecisionView(
                    d.decision().name(),
                    d.tier().name(),
                    d.riskScore(),
                    d.scoreTier().name(),
                    d.scoreFactors().stream()
                            .map(f -> Map.<String, Object>of(
                                    "name",
                                    f.getName(),
                                    "value",
                                    f.getValue(),
                                    "weight",
                                    f.getWeight(),
                                    "contribution",
                                    f.getContribution()))
                            .toList(),
                    d.matchedRules().stream()
                            .map(r -> {
                                Map<String, Object> rule = new LinkedHashMap<>();
                                rule.put("ruleId", r.getRuleId());
                                rule.put("file", r.getFile());
                                rule.put("mode", r.getMode().name());
                                rule.put("effect", r.getEffect());
                                rule.put("error", r.getError());
                                return rule;
                            })
                            .toList(),
                    d.requiredApprovals(),
                    d.approverRole(),
                    d.justificationRequired(),
                    d.mode().name(),
                    d.constraints(),
                    d.approvalTtl() == null ? null : d.approvalTtl().toString(),
                    d.reasons(),
                    d.policyVersion());
        }
    }

    @Operation(
            summary = "The active policy set",
            description =
                    "Version (content hash), activation time, files, rules with their effects, scoring settings, and the newest refused edit with its errors.")
    @APIResponse(responseCode = "200", description = "The active policy set")
    @APIResponse(responseCode = "401", description = NO_TOKEN)
    @APIResponse(responseCode = "403", description = NO_ROLE)
    @GET
    public Map<String, Object> describe() {
        ActivePolicy.Active active = policy.active();
        PolicySet set = active.policy();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", set.version());
        body.put("activatedAt", active.activatedAt().toString());
        body.put("directory", set.directory());
        body.put("files", set.files());
        body.put("settings", set.settings());
        body.put("rules", set.rules());
        ActivePolicy.Refusal refusal = policy.lastRefusal();
        if (refusal != null) {
            body.put(
                    "lastRefused",
                    Map.of("version", refusal.version(), "at", refusal.at().toString(), "errors", refusal.errors()));
        }
        return body;
    }

    @Operation(
            summary = "Dry-run a decision",
            description =
                    "The decision the active policy gives an intent body (the body of POST /v1/intents), as of now or of ?at=INSTANT; nothing is published.")
    @APIResponse(responseCode = "200", description = "The decision with its explanation")
    @APIResponse(responseCode = "400", description = "Invalid intent body or time")
    @APIResponse(responseCode = "401", description = NO_TOKEN)
    @APIResponse(responseCode = "403", description = NO_ROLE)
    @POST
    @Path("/evaluate")
    @Consumes(MediaType.APPLICATION_JSON)
    public DecisionView evaluate(IntentRequest request, @QueryParam("at") String at) {
        if (request == null) {
            throw new ProblemException(400, "Invalid intent", "the body must be an intent JSON object");
        }
        var errors = request.validate().stream()
                .map(e -> new FieldError(e.field(), e.message()))
                .toList();
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "Invalid intent", errors.size() + " field(s) are invalid", errors);
        }
        Instant when;
        try {
            when = at == null ? clock.instant() : Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw new ProblemException(
                    400, "Invalid time", "at must be an ISO-8601 instant such as 2026-11-23T10:00:00Z, not " + at);
        }
        return DecisionView.of(policy.get().evaluate(IntentEvents.toIntent(request), when));
    }
}
