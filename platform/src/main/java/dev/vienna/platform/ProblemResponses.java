package dev.vienna.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error a Vienna REST endpoint answers is an RFC 9457 problem: the resource's own {@link ProblemException}s,
 * unreadable JSON bodies, JAX-RS errors (404, 405, 415...), and anything unexpected (500, without internals in the
 * body).
 */
public class ProblemResponses {

    private static final Logger LOG = Logger.getLogger(ProblemResponses.class);

    /** What a 503 asks the caller to wait before repeating the request. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e, uri);
    }

    /**
     * A record the request needed recorded was not acknowledged: 503 with {@code Retry-After} when the same request may
     * succeed again (nothing was recorded, so repeating it is safe), 413 when it never can (too large for the broker).
     */
    @ServerExceptionMapper
    public Response notPublished(Publisher.NotPublished e, UriInfo uri) {
        if (!e.retriable()) {
            return respond(
                    Problem.of(413, "Not recorded", e.getMessage() + "; the same request will never succeed"), uri);
        }
        return respond(
                ProblemException.unavailable(
                        "Not recorded", e.getMessage() + "; nothing was recorded, send the request again", RETRY_AFTER),
                uri);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        String detail;
        if (e instanceof UnrecognizedPropertyException unknown) {
            detail =
                    "unknown field '" + unknown.getPropertyName() + "'; known fields: " + unknown.getKnownPropertyIds();
        } else if (e instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            detail = "field '" + fieldPath(mismatch) + "' has the wrong type: " + e.getOriginalMessage();
        } else {
            detail = "the body is not valid JSON: " + e.getOriginalMessage();
        }
        return respond(Problem.of(400, "Malformed request body", detail), uri);
    }

    /** Quarkus maps this subtype itself unless told otherwise: wrong types and unknown fields. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    private static String fieldPath(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json, uri);
        }
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        return respond(Problem.of(status, title, e.getMessage()), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        LOG.errorf(e, "unexpected error on %s", uri.getPath());
        return respond(
                Problem.of(500, "Internal error", "the request could not be processed; see the service log"), uri);
    }

    /** The response for a problem: its status, {@value Problem#MEDIA_TYPE}, the request path as {@code instance}. */
    public static Response respond(Problem problem, UriInfo uri) {
        return builder(problem, uri).build();
    }

    /** The same for a thrown problem, with its {@code Retry-After} if it has one. */
    public static Response respond(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder response = builder(e.problem(), uri);
        e.retryAfter().ifPresent(after -> response.header(HttpHeaders.RETRY_AFTER, Math.max(1, after.toSeconds())));
        return response.build();
    }

    /**
     * The builder of {@link #respond(Problem, UriInfo)}'s response (status, {@value Problem#MEDIA_TYPE}, the problem
     * with the request path as {@code instance}), for a caller that adds headers.
     */
    public static Response.ResponseBuilder builder(Problem problem, UriInfo uri) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem.at(uri.getPath()));
    }
}
