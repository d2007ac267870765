package dev.vienna.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Sends one HTTP request to an allow-listed base URL with the JDK's HttpClient: TLS verified as the JDK does by
 * default, redirects never followed, the path's values percent-encoded segment by segment, the body built as a JSON
 * tree from the operator's template, the response body capped, and the whole exchange bounded by the deadline. Header
 * values (often secrets) are sent but never reported.
 */
final class HttpHandler extends BuiltInHandler {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final int DEFAULT_MAX_RESPONSE_BYTES = 65_536;

    private static final Set<String> KEYS = Set.of(
            "handler",
            "description",
            "args",
            "method",
            "baseUrl",
            "path",
            "body",
            "headers",
            "connectTimeout",
            "timeout",
            "maxResponseBytes");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    /** Headers the JDK client sets itself and refuses to take from a caller. */
    private static final Set<String> CLIENT_HEADERS =
            Set.of("connection", "content-length", "expect", "host", "upgrade");

    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final int BODY_IN_ERROR = 500;

    private final String method;
    private final TargetUrl url;
    private final JsonTemplate body; // null: no body
    private final Map<String, HeaderValue> headers;
    private final int maxResponseBytes;
    private final HttpClient client;

    private HttpHandler(
            String action,
            Arguments arguments,
            Duration timeout,
            Set<Placeholder> used,
            String method,
            TargetUrl url,
            JsonTemplate body,
            Map<String, HeaderValue> headers,
            Duration connectTimeout,
            int maxResponseBytes) {
        super(HandlerKind.HTTP, action, arguments, timeout, used);
        this.method = method;
        this.url = url;
        this.body = body;
        this.headers = headers;
        this.maxResponseBytes = maxResponseBytes;
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    static HttpHandler configure(String action, ConfigNode node) {
        node.allowKeys(KEYS);
        Arguments arguments = Arguments.parse(node);
        String method = node.requiredText("method").strip().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw node.child("method").fail("not an HTTP method (one of " + String.join(", ", METHODS) + ")");
        }
        node.requiredText("baseUrl");
        TargetUrl url = TargetUrl.parse(node, arguments);
        JsonTemplate body = node.child("body").isMissing() ? null : JsonTemplate.parse(node.child("body"), arguments);
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> header :
                node.child("headers").entries().entrySet()) {
            String name = header.getKey();
            if (!HEADER_NAME.matcher(name).matches()) {
                throw header.getValue().fail("not a valid header name");
            }
            if (CLIENT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw header.getValue().fail("is set by the HTTP client and cannot be configured");
            }
            headers.put(name, HeaderValue.parse(header.getValue(), arguments));
        }
        Set<Placeholder> used = new LinkedHashSet<>(url.placeholders());
        if (body != null) {
            used.addAll(body.placeholders());
        }
        headers.values().forEach(value -> used.addAll(value.placeholders()));
        return new HttpHandler(
                action,
                arguments,
                node.duration("timeout", DEFAULT_TIMEOUT),
                used,
                method,
                url,
                body,
                Map.copyOf(headers),
                node.duration("connectTimeout", DEFAULT_CONNECT_TIMEOUT),
                node.positiveInt("maxResponseBytes", DEFAULT_MAX_RESPONSE_BYTES, 16 * 1024 * 1024));
    }

    @Override
    ActionOutcome execute(ActionInput input, Map<Placeholder, Arguments.Value> values, Deadline deadline) {
        Map<Placeholder, String> texts = Arguments.texts(values);
        HttpRequest request;
        try {
            request = request(values, texts, deadline);
        } catch (ArgumentRejected e) {
            return ActionOutcome.rejected(e.getMessage());
        }
        CompletableFuture<HttpResponse<CappedBody.Result>> exchange =
                client.sendAsync(request, info -> new CappedBody(maxResponseBytes));
        try {
            HttpResponse<CappedBody.Result> response =
                    exchange.get(deadline.remaining().toMillis() + 50, TimeUnit.MILLISECONDS);
            return outcome(response);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return ActionOutcome.failed(method + " " + request.uri() + " timed out after " + deadline.describe());
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return ActionOutcome.failed(method + " " + request.uri() + " interrupted (the dispatcher is closing)");
        } catch (ExecutionException e) {
            return ActionOutcome.failed(method + " " + request.uri() + " " + describe(e.getCause(), deadline));
        }
    }

    private HttpRequest request(
            Map<Placeholder, Arguments.Value> values, Map<Placeholder, String> texts, Deadline deadline)
            throws ArgumentRejected {
        URI uri = url.resolve(texts);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(deadline.remaining());
        boolean contentType = false;
        for (Map.Entry<String, HeaderValue> header : headers.entrySet()) {
            String value = header.getValue().render(texts);
            if (!HeaderValue.isSendable(value)) {
                throw new ArgumentRejected("argument values would put a control character, a line break or a"
                        + " character beyond Latin-1 into header " + header.getKey());
            }
            try {
                request.header(header.getKey(), value);
            } catch (IllegalArgumentException e) { // its message quotes the value: never pass it on
                throw new ArgumentRejected("the HTTP client refuses the value of header " + header.getKey());
            }
            contentType |= header.getKey().equalsIgnoreCase("Content-Type");
        }
        if (body == null) {
            return request.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        if (!contentType) {
            request.header("Content-Type", "application/json");
        }
        String json = Json.write(body.render(values));
        return request.method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
    }

    private ActionOutcome outcome(HttpResponse<CappedBody.Result> response) {
        int status = response.statusCode();
        CappedBody.Result body = response.body();
        String text = new String(body.bytes(), StandardCharsets.UTF_8);
        ObjectNode output = Json.object();
        output.put("status", status);
        if (status >= 300 && status < 400) {
            String location = response.headers().firstValue("Location").orElse("(none)");
            output.put("location", location);
            return ActionOutcome.failed(
                    "HTTP " + status + " redirect to " + location + " not followed", Json.write(output), null);
        }
        output.set("body", bodyValue(response, text, body.truncated()));
        output.put("truncated", body.truncated());
        if (status >= 200 && status < 300) {
            return ActionOutcome.succeeded(Json.write(output));
        }
        String tail = text.length() > BODY_IN_ERROR ? "..." + text.substring(text.length() - BODY_IN_ERROR) : text;
        return ActionOutcome.failed(
                "HTTP " + status + (tail.isBlank() ? " (empty body)" : ": " + tail.strip()), Json.write(output), null);
    }

    private static JsonNode bodyValue(HttpResponse<?> response, String text, boolean truncated) {
        String contentType =
                response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!truncated && contentType.contains("json") && !text.isBlank()) {
            try {
                return Json.MAPPER.readTree(text);
            } catch (IOException e) {
                // not JSON after all: report the text
            }
        }
        return Json.MAPPER.getNodeFactory().textNode(text);
    }

    private static String describe(Throwable cause, Deadline deadline) {
        if (cause instanceof HttpConnectTimeoutException) {
            return "could not connect in time (" + cause.getMessage() + ")";
        }
        if (cause instanceof HttpTimeoutException) {
            return "timed out after " + deadline.describe();
        }
        if (cause instanceof ConnectException) {
            return "could not connect: " + (cause.getMessage() == null ? cause : cause.getMessage());
        }
        return "failed: " + cause;
    }

    @Override
    public String toString() {
        return "http action " + action() + " (" + method + " " + url + ", headers " + headers.keySet() + ")";
    }
}
