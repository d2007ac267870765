package dev.vienna.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * An intent's timeline from audit-service: its state, every audited event in order, the warrant decoded (and, for
 * auditors, whose token the page has, its signature checked against warrant-service's published keys), and the verdict
 * on its execution.
 */
@RequestScoped
@Path("/intents")
@Produces(MediaType.TEXT_HTML)
public class IntentsPage {

    @Inject
    Template intents;

    @Inject
    Template intent;

    @Inject
    Services services;

    @Inject
    Operator operator;

    @Inject
    ConsoleConfig config;

    /** Finds an intent by id ({@code ?id=}), or asks for one. */
    @GET
    public Response find(@QueryParam("id") String id) {
        if (id != null && !id.isBlank()) {
            return Response.seeOther(URI.create("/intents/" + Services.segment(id.trim())))
                    .build();
        }
        return Response.ok(intents.data("operator", operator)).build();
    }

    @GET
    @Path("{intentId}")
    public Response one(@PathParam("intentId") String intentId) {
        return render(intent.instance(), intentId);
    }

    /** The changing part (state, events, verdict): what the page fetches to stay current. */
    @GET
    @Path("{intentId}/live")
    public Response live(@PathParam("intentId") String intentId) {
        return render(intent.getFragment("timeline").instance(), intentId);
    }

    private Response render(TemplateInstance page, String intentId) {
        Services.Answer answer = services.lifecycle(intentId);
        JsonNode lifecycle = answer.ok() ? answer.body() : null;
        page.data("operator", operator)
                .data("intentId", intentId)
                .data("answer", answer)
                .data("l", lifecycle)
                .data(
                        "signature",
                        lifecycle == null
                                ? null
                                : signature(
                                        lifecycle.path("warrant").path("token").asText(null)))
                .data("refreshMillis", config.refreshInterval().toMillis());
        return answer.page(page);
    }

    /**
     * Whether the warrant's signature verifies against warrant-service's JWKS, said in words; null when the page has no
     * token (the operator is not an auditor).
     */
    String signature(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        Services.Answer keys = services.warrantKeys();
        if (!keys.ok()) {
            return "not checked: " + keys.problem();
        }
        return WarrantSignatures.verdict(token, keys.body().toString());
    }
}
