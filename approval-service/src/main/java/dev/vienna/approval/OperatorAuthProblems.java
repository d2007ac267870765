package dev.vienna.approval;

import dev.vienna.platform.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Operators' authentication and authorization failures as RFC 9457 problems, like every other error (Quarkus answers
 * them with an empty body by default): no or an invalid bearer token is 401 with a {@code WWW-Authenticate: Bearer}
 * challenge, a token without the needed role is 403. Authentication is not proactive
 * ({@code quarkus.http.auth.proactive=false}), so a rejected token reaches these mappers instead of being answered
 * before the REST layer.
 */
public class OperatorAuthProblems {

    @ServerExceptionMapper
    public Response noToken(UnauthorizedException e, UriInfo uri) {
        return unauthorized("this endpoint needs an operator's bearer token (Authorization: Bearer <JWT>)", uri);
    }

    @ServerExceptionMapper
    public Response badToken(AuthenticationFailedException e, UriInfo uri) {
        return unauthorized(
                "the bearer token was not accepted: it must be a JWT signed by the trusted issuer, for this audience, not expired",
                uri);
    }

    @ServerExceptionMapper
    public Response wrongRole(ForbiddenException e, UriInfo uri) {
        return respond(
                Response.status(403),
                Problem.of(
                        403,
                        "Forbidden",
                        "the operator's token lacks the role this needs: '" + ApprovalRules.APPROVER + "' to vote, '"
                                + ApprovalRules.VIEWER + "' or '" + ApprovalRules.APPROVER + "' to read"),
                uri);
    }

    private static Response unauthorized(String detail, UriInfo uri) {
        return respond(
                Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer"),
                Problem.of(401, "Unauthorized", detail),
                uri);
    }

    private static Response respond(Response.ResponseBuilder response, Problem problem, UriInfo uri) {
        return response.type(Problem.MEDIA_TYPE)
                .entity(problem.at(uri.getPath()))
                .build();
    }
}
