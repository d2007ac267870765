package dev.vienna.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.sdk.evidence.Checkpoint;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.evidence.SignedNote;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit chains as their signed checkpoints show them: for each chain its newest checkpoint (tree size, root, when),
 * and whether its signature verifies against the checkpoint keys audit-service publishes. A full replay of the log is
 * {@code ./vienna audit verify}'s work (the auditors' Kafka principal), not the console's.
 */
@RequestScoped
@Path("/audit")
@Produces(MediaType.TEXT_HTML)
public class AuditPage {

    @Inject
    Template audit;

    @Inject
    Services services;

    @Inject
    Operator operator;

    @Inject
    ConsoleConfig config;

    /** One chain's newest checkpoint and what the console made of it. */
    @TemplateData
    public record Chain(
            int chain,
            long firstSequence,
            long treeSize,
            String root,
            String publishedAt,
            boolean verified,
            String verdict) {}

    @GET
    public Response show() {
        Services.Answer checkpoints = services.checkpoints();
        List<Chain> chains = new ArrayList<>();
        String keysProblem = null;
        if (checkpoints.ok()) {
            Services.Answer keys = services.checkpointKeys();
            List<NoteVerifierKey> trusted = new ArrayList<>();
            if (keys.ok()) {
                for (JsonNode key : keys.body().path("keys")) {
                    try {
                        trusted.add(NoteVerifierKey.parse(key.path("vkey").asText()));
                    } catch (IllegalArgumentException e) {
                        keysProblem = "a published key is unusable: " + e.getMessage();
                    }
                }
            } else {
                keysProblem = keys.problem();
            }
            for (JsonNode c : checkpoints.body().path("checkpoints")) {
                chains.add(chain(c, trusted));
            }
        }
        TemplateInstance page = audit.data("operator", operator)
                .data("answer", checkpoints)
                .data("chains", chains)
                .data("keysProblem", keysProblem)
                .data("allVerified", !chains.isEmpty() && chains.stream().allMatch(Chain::verified));
        return checkpoints.page(page);
    }

    private static Chain chain(JsonNode c, List<NoteVerifierKey> trusted) {
        int chain = c.path("chain").asInt();
        String note = c.path("note").asText("");
        String root = "";
        try {
            SignedNote signed = SignedNote.parse(note);
            Checkpoint body = Checkpoint.parse(signed.text());
            root = java.util.Base64.getEncoder().encodeToString(body.rootHash());
            var verification = signed.verify(trusted);
            return new Chain(
                    chain,
                    c.path("firstSequence").asLong(),
                    body.size(),
                    root,
                    c.path("publishedAt").asText(),
                    verification.trusted(),
                    verification.trusted()
                            ? "signature verified"
                            : "NOT VERIFIED: signed by no key audit-service publishes");
        } catch (IllegalArgumentException e) {
            return new Chain(
                    chain,
                    c.path("firstSequence").asLong(),
                    c.path("treeSize").asLong(),
                    root,
                    c.path("publishedAt").asText(),
                    false,
                    "NOT VERIFIED: " + e.getMessage());
        }
    }
}
