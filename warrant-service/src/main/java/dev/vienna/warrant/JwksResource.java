package dev.vienna.warrant;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/** {@code GET /.well-known/jwks.json}: the public warrant keys, for offline verification. Never an HMAC secret. */
@Path("/.well-known/jwks.json")
public class JwksResource {

    @Inject
    WarrantKeys keys;

    @GET
    @Produces("application/jwk-set+json")
    public Response jwks() {
        return Response.ok(keys.publicJwks())
                .header("Cache-Control", "max-age=60")
                .build();
    }
}
