package dev.vienna.platform;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A request that announces a body larger than {@code vienna.http.max-body-bytes} (1 MiB) is answered 413 as an RFC 9457
 * problem before its body is read. (A chunked body without a length that grows past
 * {@code quarkus.http.limits.max-body-size} is cut off by the HTTP server itself, with a plain 413.)
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
        Problem problem = Problem.of(
                        413, "Request too large", "the body is " + announced + " bytes; at most " + maxBodyBytes)
                .at(request.getUriInfo().getPath());
        return Optional.of(
                Response.status(413).type(Problem.MEDIA_TYPE).entity(problem).build());
    }
}
