package dev.vienna.audit;

import dev.vienna.events.AuditCheckpoint;
import dev.vienna.platform.OpenApiProblems;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.security.Roles;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The audit log's signed checkpoints and the key they are signed with. {@code GET /v1/audit/checkpoints}: the newest
 * checkpoint of every chain, for operators with the {@value Roles#AUDITOR} role (a checkpoint shows only a chain's size
 * and root, so no tenant scope applies). {@code GET /v1/audit/keys}: the checkpoint verifier key, public like the
 * warrants' JWKS, as a JWK set whose one key also carries its C2SP verifier key text ({@code vkey}).
 */
@Tag(name = "audit evidence", description = "Signed checkpoints of the audit chains")
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class CheckpointsResource {

    @Inject
    PublishedCheckpoints checkpoints;

    @Inject
    CheckpointKey key;

    @Operation(
            summary = "The newest checkpoint of every audit chain",
            description =
                    "For each chain (audit partition): the C2SP signed note committing to its first treeSize records (RFC 9162 Merkle root), the sequence of its leaf 0, and when it was published.")
    @APIResponse(
            responseCode = "200",
            description = "The checkpoints, by chain",
            content = @Content(schema = @Schema(implementation = Checkpoints.class)))
    @APIResponse(responseCode = "401", description = "No credential, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The caller does not hold the auditor role")
    @APIResponse(
            responseCode = "503",
            description =
                    "audit-checkpoints is not read to its end yet, or no longer followed; retry after Retry-After")
    @SecurityRequirement(name = OpenApiProblems.OPERATOR)
    @GET
    @Path("/checkpoints")
    @RolesAllowed(Roles.AUDITOR)
    public Checkpoints checkpoints() {
        if (!checkpoints.current()) {
            throw ProblemException.unavailable(
                    "Checkpoints not read yet",
                    "audit-checkpoints is not read to its end yet, or no longer followed",
                    Duration.ofSeconds(2));
        }
        return new Checkpoints(
                key.verifierKey().encoded(),
                checkpoints.newest().stream().map(PublishedCheckpoint::of).toList());
    }

    @Operation(
            summary = "The checkpoint verifier key",
            description =
                    "A JWK set (RFC 7517) with audit-service's Ed25519 checkpoint key (OKP, RFC 8037); its member vkey is the same key as a C2SP signed-note verifier key. No credential needed.")
    @APIResponse(responseCode = "200", description = "The JWK set")
    @GET
    @Path("/keys")
    @PermitAll
    @Produces("application/jwk-set+json")
    public Response keys() {
        return Response.ok(key.jwks()).header("Cache-Control", "max-age=60").build();
    }

    /** The newest checkpoints, and the verifier key they should verify with. */
    public record Checkpoints(String verifierKey, List<PublishedCheckpoint> checkpoints) {}

    /** One chain's newest checkpoint: the note is the evidence; the rest says where it belongs. */
    public record PublishedCheckpoint(int chain, long firstSequence, long treeSize, String note, Instant publishedAt) {
        static PublishedCheckpoint of(AuditCheckpoint c) {
            return new PublishedCheckpoint(
                    c.getChain(), c.getFirstSequence(), c.getTreeSize(), c.getNote(), c.getPublishedAt());
        }
    }
}
