package dev.vienna.platform.streams;

import dev.vienna.platform.ProblemException;
import dev.vienna.platform.ProblemResponses;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A state store read while Kafka Streams rebalances answers 503 with {@code Retry-After}: the data exists, just not
 * queryable here right now.
 */
public class StoreNotReadyProblems {

    @ServerExceptionMapper
    public Response storeNotReady(InvalidStateStoreException e, UriInfo uri) {
        return ProblemResponses.respond(
                ProblemException.unavailable(
                        "Not available yet",
                        "the state store is not queryable right now (" + e.getMessage() + "); retry shortly",
                        ProblemResponses.RETRY_AFTER),
                uri);
    }
}
