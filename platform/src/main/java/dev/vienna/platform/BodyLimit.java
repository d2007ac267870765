package dev.vienna.platform;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A request whose {@code Content-Length} announces a body larger than {@code vienna.http.max-body-bytes} (1 MiB) is
 * answered 413 as an RFC 9457 problem before its body is read. Only the announced length is checked: a body without one
 * (chunked) reaches the service up to {@code quarkus.http.limits.max-body-size} (2 MiB), and one that grows past it is
 * cut off by the HTTP server itself, with a plain 413.
 */
public class BodyLimit {

    @ConfigProperty(name = "vienna.http.max-body-bytes", defaultValue = "1048576")
    long maxBodyBytes;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> limit(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        long announced;
        try {
            announced = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            announced = -1;
        }
        if (announced <= maxBodyBytes) {
            return Optional.empty();
        }
        return Optional.of(ProblemResponses.respond(
                Problem.of(413, "Request too large", "the body is " + announced + " bytes; at most " + maxBodyBytes),
                request.getUriInfo()));
    }
}
