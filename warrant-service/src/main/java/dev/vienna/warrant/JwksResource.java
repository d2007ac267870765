package dev.vienna.warrant;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /.well-known/jwks.json}: the public warrant keys, for offline verification. Never an HMAC secret. */
@Tag(name = "keys", description = "What verifiers need to check warrants offline")
@Path("/.well-known/jwks.json")
public class JwksResource {

    @Inject
    WarrantKeys keys;

    @Operation(
            summary = "Public warrant keys",
            description =
                    "The Ed25519 keys warrants are verified with, as a JWK set (RFC 7517). No credential needed; never an HMAC secret.")
    @APIResponse(responseCode = "200", description = "The JWK set")
    @GET
    @Produces("application/jwk-set+json")
    public Response jwks() {
        return Response.ok(keys.publicJwks())
                .header("Cache-Control", "max-age=60")
                .build();
    }
}
