package dev.vienna.notifier;

import dev.vienna.platform.OpenApiProblems;
import dev.vienna.platform.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /v1/notifications/endpoints}: each webhook endpoint's delivery state (deliveries by outcome, consecutive
 * failures, events waiting, last success and last error), for operators with the {@value Roles#ADMIN} role. Never a
 * secret: only whether the endpoint's requests are signed.
 */
@Tag(name = "notifications", description = "Webhook deliveries to the operators' endpoints")
@Path("/v1/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class EndpointsResource {

    @Inject
    Notifier notifier;

    /** The answer: the endpoints of the webhooks file, in its order. */
    public record Endpoints(List<EndpointState> endpoints) {}

    @Operation(
            summary = "Each webhook endpoint's delivery state",
            description =
                    "Name, URL, format, notification types, whether requests are signed; deliveries delivered, retried and failed (given up, dead-lettered); consecutive failures; events waiting; last success; last error. No secrets.")
    @APIResponse(
            responseCode = "200",
            description = "The endpoints",
            content = @Content(schema = @Schema(implementation = Endpoints.class)))
    @APIResponse(responseCode = "401", description = "No credential, or one that does not verify")
    @APIResponse(responseCode = "403", description = "The caller does not hold the admin role")
    @SecurityRequirement(name = OpenApiProblems.OPERATOR)
    @GET
    @Path("/endpoints")
    @RolesAllowed(Roles.ADMIN)
    public Endpoints endpoints() {
        return new Endpoints(notifier.states());
    }
}
