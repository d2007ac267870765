package dev.vienna.platform.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.ProblemResponses;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes every instance of a Kafka Streams service answer every REST read, although each holds only the partitions it
 * owns: a read by key goes to the instance that owns the key's active store ({@link KafkaStreams#queryMetadataForKey}),
 * a list asks every other instance for its part ({@link #fromPeers}) and merges. Instances find each other through
 * Kafka Streams' own metadata, each under its {@code quarkus.kafka-streams.application-server} (host:port of its HTTP
 * listener); without one, the service runs alone and answers from its own stores.
 *
 * <p>A forwarded request carries the caller's own credential (the {@code Authorization} header), so the owner
 * authenticates and authorizes the caller itself: no instance vouches for another, and no service credential exists
 * that could be stolen to read everything. It is marked with {@value #FORWARDED_BY}; an instance receiving it answers
 * from its own stores and never forwards again, so two instances with different views of the assignment (during a
 * rebalance) answer 503 with Retry-After instead of bouncing the request between them.
 */
@ApplicationScoped
public class InstanceRouter {

    /** The header marking a request one instance forwarded to another: its value names the forwarding instance. */
    public static final String FORWARDED_BY = "Vienna-Forwarded-By";

    /** The header of a forwarded request's answer naming the instance that answered it (host:port). */
    public static final String ANSWERED_BY = "Vienna-Answered-By";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    KafkaStreams streams;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "quarkus.kafka-streams.application-server")
    Optional<String> applicationServer;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** This instance as the others know it, if it shares its stores. */
    Optional<HostInfo> self() {
        return applicationServer.filter(s -> !s.isBlank()).map(HostInfo::buildFromEndpoint);
    }

    /**
     * The instance to forward a read or write of {@code key} in {@code store} to; empty when this instance answers it
     * (it owns the key, it runs alone, or the request was forwarded to it already). A 503 problem while the owner is
     * not known (the topology is starting or rebalancing).
     */
    public Optional<HostInfo> ownerOf(String store, String key, HttpHeaders headers) {
        Optional<HostInfo> self = self();
        if (self.isEmpty() || headers.getHeaderString(FORWARDED_BY) != null) {
            return Optional.empty();
        }
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        } catch (RuntimeException e) {
            throw notKnownYet(store);
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw notKnownYet(store);
        }
        return metadata.activeHost().equals(self.get()) ? Optional.empty() : Optional.of(metadata.activeHost());
    }

    /** The other instances holding part of {@code store}; none when this one runs alone or was forwarded to. */
    List<HostInfo> peers(String store, HttpHeaders headers) {
        Optional<HostInfo> self = self();
        if (self.isEmpty() || headers.getHeaderString(FORWARDED_BY) != null) {
            return List.of();
        }
        try {
            return streams.streamsMetadataForStore(store).stream()
                    .map(StreamsMetadata::hostInfo)
                    .filter(host -> !host.equals(self.get()))
                    .distinct()
                    .toList();
        } catch (RuntimeException e) {
            throw notKnownYet(store);
        }
    }

    /**
     * The same request ({@code method}, path and query of {@code uri}, the caller's {@code Authorization}) sent to
     * {@code owner}, with {@code jsonBody} if any; its answer (status, type, body, Retry-After) as this one's. A 503
     * problem when the owner cannot be reached.
     */
    public Response forward(HostInfo owner, String method, UriInfo uri, HttpHeaders headers, Object jsonBody) {
        HttpResponse<byte[]> answer = send(owner, method, uri, headers, jsonBody);
        Response.ResponseBuilder response = Response.status(answer.statusCode()).entity(answer.body());
        answer.headers().firstValue("Content-Type").ifPresent(type -> response.header("Content-Type", type));
        answer.headers().firstValue("Retry-After").ifPresent(after -> response.header("Retry-After", after));
        return response.header(ANSWERED_BY, address(owner)).build();
    }

    /**
     * The JSON array every other instance holding part of {@code store} answers to this same GET, concatenated: their
     * parts of a list, for the caller to merge with its own. A 503 problem if one of them does not answer 200: a list
     * with a part missing would look complete.
     */
    public List<JsonNode> fromPeers(String store, UriInfo uri, HttpHeaders headers) {
        List<JsonNode> merged = new ArrayList<>();
        for (HostInfo peer : peers(store, headers)) {
            HttpResponse<byte[]> answer = send(peer, "GET", uri, headers, null);
            if (answer.statusCode() != 200) {
                throw ProblemException.unavailable(
                        "Part of the list is not available",
                        "instance " + address(peer) + " answered " + answer.statusCode() + " for its part of " + store
                                + "; retry shortly",
                        ProblemResponses.RETRY_AFTER);
            }
            try {
                JsonNode part = json.readTree(answer.body());
                if (!part.isArray()) {
                    throw new IOException("not a JSON array");
                }
                part.forEach(merged::add);
            } catch (IOException e) {
                throw ProblemException.unavailable(
                        "Part of the list is not available",
                        "instance " + address(peer) + " answered an unreadable part of " + store + ": "
                                + e.getMessage(),
                        ProblemResponses.RETRY_AFTER);
            }
        }
        return merged;
    }

    private HttpResponse<byte[]> send(HostInfo host, String method, UriInfo uri, HttpHeaders headers, Object body) {
        URI request = uri.getRequestUri();
        String pathAndQuery = request.getRawPath() + (request.getRawQuery() == null ? "" : "?" + request.getRawQuery());
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                        URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                .timeout(TIMEOUT)
                .header(FORWARDED_BY, self().map(InstanceRouter::address).orElse("unknown"))
                .header("Accept", "application/json");
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            builder.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        try {
            if (body == null) {
                builder.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                builder.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            }
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw ProblemException.unavailable(
                    "Instance unreachable",
                    "instance " + address(host) + " holds part of this data and did not answer (" + e + "); retry"
                            + " shortly",
                    ProblemResponses.RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable(
                    "Interrupted",
                    "the request to instance " + address(host) + " was interrupted",
                    ProblemResponses.RETRY_AFTER);
        }
    }

    /** host:port, as instances name each other in headers and problems. */
    private static String address(HostInfo host) {
        return host.host() + ":" + host.port();
    }

    private static ProblemException notKnownYet(String store) {
        return ProblemException.unavailable(
                "Not available yet",
                "which instance holds " + store + " is not known while Kafka Streams starts or rebalances; retry"
                        + " shortly",
                ProblemResponses.RETRY_AFTER);
    }
}
