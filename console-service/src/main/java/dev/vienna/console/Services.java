package dev.vienna.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.qute.TemplateData;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The services' APIs, called with the signed-in operator's own access token: the services decide what the operator may
 * read and do, exactly as for any other client; the console adds no rights of its own.
 */
@RequestScoped
public class Services {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    /** The most of a service's answer the console reads; beyond that it says so instead. */
    static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

    @Inject
    AccessTokenCredential token;

    @Inject
    ConsoleConfig config;

    @Inject
    ObjectMapper json;

    /** A service's answer: its status and JSON body, or the problem it reported (or why there was no answer). */
    @TemplateData
    public record Answer(int status, JsonNode body, String title, String detail) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /**
         * The page's own status for this answer: 200 when the service answered yes, else the service's status, or 502
         * (Bad Gateway) when it did not answer at all.
         */
        public int pageStatus() {
            return ok() ? 200 : status > 0 ? status : 502;
        }

        /** A page of this status, for this answer. */
        public jakarta.ws.rs.core.Response page(Object entity) {
            return jakarta.ws.rs.core.Response.status(pageStatus())
                    .entity(entity)
                    .type(jakarta.ws.rs.core.MediaType.TEXT_HTML)
                    .build();
        }

        /** The refusal as one line: "403 Separation of duties: operator carol is ..." */
        public String problem() {
            return (status > 0 ? status + " " : "") + title + (detail == null || detail.isBlank() ? "" : ": " + detail);
        }
    }

    public Answer approvals(String path) {
        return call("GET", config.approvalUrl(), "/v1/approvals" + path, null);
    }

    public Answer vote(String intentId, Object vote) {
        return call("POST", config.approvalUrl(), "/v1/approvals/" + segment(intentId) + "/votes", vote);
    }

    public Answer policy() {
        return call("GET", config.policyUrl(), "/v1/policy", null);
    }

    public Answer evaluate(JsonNode intent) {
        return call("POST", config.policyUrl(), "/v1/policy/evaluate", intent);
    }

    public Answer lifecycle(String intentId) {
        return call("GET", config.auditUrl(), "/v1/intents/" + segment(intentId), null);
    }

    public Answer checkpoints() {
        return call("GET", config.auditUrl(), "/v1/audit/checkpoints", null);
    }

    public Answer checkpointKeys() {
        return call("GET", config.auditUrl(), "/v1/audit/keys", null);
    }

    public Answer warrantKeys() {
        return call("GET", config.warrantUrl(), "/.well-known/jwks.json", null);
    }

    /** An id as one path segment: whatever the operator typed cannot reach another path. */
    static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Answer call(String method, URI base, String path, Object body) {
        URI uri = base.resolve(path);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(config.requestTimeout())
                    .header("Accept", "application/json, application/jwk-set+json, application/problem+json")
                    .header("Authorization", "Bearer " + token.getToken());
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = response.body();
            if (bytes.length > MAX_ANSWER_BYTES) {
                return new Answer(
                        502, NullNode.instance, "Answer too large", uri.getHost() + " sent " + bytes.length + " bytes");
            }
            JsonNode parsed;
            try {
                parsed = bytes.length == 0 ? NullNode.instance : json.readTree(bytes);
            } catch (JsonProcessingException e) {
                // not JSON (a proxy's error page, say): the status is the answer
                return new Answer(
                        response.statusCode(),
                        NullNode.instance,
                        "Unreadable answer",
                        serviceName(base) + " answered HTTP " + response.statusCode() + " without JSON");
            }
            if (response.statusCode() >= 200 && response.statusCode() < 300) {
                return new Answer(response.statusCode(), parsed, null, null);
            }
            return new Answer(
                    response.statusCode(),
                    parsed,
                    parsed.path("title").asText("Refused"),
                    parsed.path("detail").asText(null));
        } catch (IOException e) {
            return new Answer(
                    0,
                    NullNode.instance,
                    "No answer",
                    serviceName(base) + " did not answer (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, NullNode.instance, "No answer", "interrupted");
        }
    }

    private String serviceName(URI base) {
        if (base.equals(config.approvalUrl())) {
            return "approval-service";
        }
        if (base.equals(config.policyUrl())) {
            return "policy-service";
        }
        if (base.equals(config.auditUrl())) {
            return "audit-service";
        }
        return "warrant-service";
    }
}
