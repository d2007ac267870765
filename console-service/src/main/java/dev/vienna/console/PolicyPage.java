package dev.vienna.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The active policy set (version, rules, scoring) and a dry run: the decision the policy gives an intent body. */
@RequestScoped
@Path("/policy")
@Produces(MediaType.TEXT_HTML)
public class PolicyPage {

    /** What the dry-run form starts with: the demo's T3 deploy. */
    static final String EXAMPLE = """
            {
              "tenantId": "local",
              "agentId": "deploy-agent",
              "owner": "carol",
              "action": "deploy_production",
              "resource": "service/checkout",
              "params": {"version": "2.4.1"},
              "justification": "release 2.4.1: checkout fixes",
              "reversible": false,
              "blastRadius": 8
            }""";
    /** The largest intent body the form takes (intake's own limit is smaller). */
    static final int MAX_INTENT_CHARS = 64 * 1024;

    @Inject
    Template policy;

    @Inject
    Services services;

    @Inject
    Operator operator;

    @Inject
    ObjectMapper json;

    @GET
    public TemplateInstance show() {
        return page(EXAMPLE, null, null);
    }

    @POST
    @Path("evaluate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response evaluate(@FormParam("intent") String intent) {
        String body = intent == null ? "" : intent;
        if (body.length() > MAX_INTENT_CHARS) {
            return Response.status(400)
                    .entity(page(
                            body.substring(0, 200) + "…",
                            null,
                            "400 Invalid intent: at most " + MAX_INTENT_CHARS + " characters"))
                    .build();
        }
        JsonNode parsed;
        try {
            parsed = json.readTree(body);
        } catch (JsonProcessingException e) {
            return Response.status(400)
                    .entity(page(body, null, "400 Invalid intent: not JSON (" + e.getOriginalMessage() + ")"))
                    .build();
        }
        if (parsed == null || !parsed.isObject()) {
            return Response.status(400)
                    .entity(page(body, null, "400 Invalid intent: the body must be a JSON object"))
                    .build();
        }
        Services.Answer answer = services.evaluate(parsed);
        if (!answer.ok()) {
            return answer.page(page(body, null, answer.problem() + errors(answer.body())));
        }
        return Response.ok(page(body, answer.body(), null)).build();
    }

    private TemplateInstance page(String intent, JsonNode decision, String refusal) {
        Services.Answer active = services.policy();
        return policy.data("operator", operator)
                .data("answer", active)
                .data("p", active.ok() ? active.body() : null)
                .data("intent", intent)
                .data("d", decision)
                .data("refusal", refusal);
    }

    /** A problem's field errors, as " (field: message; ...)". */
    private static String errors(JsonNode problem) {
        JsonNode errors = problem.path("errors");
        if (!errors.isArray() || errors.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(" (");
        errors.forEach(e -> text.append(text.length() > 2 ? "; " : "")
                .append(e.path("field").asText())
                .append(": ")
                .append(e.path("message").asText()));
        return text.append(')').toString();
    }
}
