package dev.vienna.platform.security;

import dev.vienna.platform.Problem;
import dev.vienna.platform.ProblemResponses;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Authentication and authorization failures as RFC 9457 problems, like every other error (Quarkus answers them with an
 * empty body by default): no credential or one that does not verify is 401 with a {@code WWW-Authenticate: Bearer}
 * challenge, a credential without the needed role is 403. Authentication is not proactive
 * ({@code quarkus.http.auth.proactive=false}), so a rejected credential reaches these mappers instead of being answered
 * before the REST layer.
 */
public class AuthenticationProblems {

    @ServerExceptionMapper
    public Response noCredential(UnauthorizedException e, UriInfo uri) {
        return unauthorized(
                "this endpoint needs a credential: Authorization: Bearer <an operator's JWT, or an agent's API key>",
                uri);
    }

    @ServerExceptionMapper
    public Response badCredential(AuthenticationFailedException e, UriInfo uri) {
        return unauthorized(
                "the bearer credential was not accepted: an operator's JWT signed by the trusted issuer, for this"
                        + " audience and not expired, or a registered agent's unrevoked API key",
                uri);
    }

    @ServerExceptionMapper
    public Response wrongRole(ForbiddenException e, UriInfo uri) {
        return ProblemResponses.respond(
                Problem.of(
                        403,
                        "Forbidden",
                        "the credential does not hold a role this endpoint needs (see its OpenAPI description at"
                                + " /q/openapi)"),
                uri);
    }

    private static Response unauthorized(String detail, UriInfo uri) {
        return ProblemResponses.builder(Problem.of(401, "Unauthorized", detail), uri)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"vienna\"")
                .build();
    }
}
