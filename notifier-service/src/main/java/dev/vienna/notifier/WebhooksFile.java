package dev.vienna.notifier;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The operators' webhooks file: YAML, a list {@code webhooks} of endpoints, each with {@code name}, {@code url} (http
 * or https), {@code secret} ({@code whsec_<base64>}) or {@code secretEnv} (the environment variable holding it),
 * {@code events} (a list of notification types, or {@code "*"}) and {@code format} ({@code standard}, the default, or
 * {@code slack}). A {@code standard} endpoint needs a secret; a {@code slack} one may have none (Slack checks none).
 * Every problem is found and named with its line and field; a file with any problem is refused as a whole.
 */
public final class WebhooksFile {

    static final int MAX_BYTES = 256 * 1024;
    static final int MAX_ENDPOINTS = 100;
    private static final Set<String> FIELDS = Set.of("name", "url", "secret", "secretEnv", "events", "format");

    /** A file that cannot be used, with every reason. */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        Invalid(String file, List<String> problems) {
            super("webhooks file " + file + " refused:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private WebhooksFile() {}

    /** The endpoints of {@code file}, secrets taken from the process environment for {@code secretEnv}. */
    public static List<WebhookEndpoint> read(Path file) {
        return read(file, System::getenv);
    }

    public static List<WebhookEndpoint> read(Path file, UnaryOperator<String> environment) {
        if (!Files.isRegularFile(file)) {
            throw new Invalid(file.toString(), List.of("no such file"));
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new Invalid(file.toString(), List.of("larger than " + MAX_BYTES + " bytes"));
            }
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8), environment);
        } catch (IOException e) {
            throw new Invalid(file.toString(), List.of("cannot be read: " + e.getMessage()));
        }
    }

    /** The endpoints of {@code yaml} ({@code file} names it in errors). */
    public static List<WebhookEndpoint> parse(String file, String yaml, UnaryOperator<String> environment) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        JsonNode root;
        Map<String, Integer> lines;
        try {
            root = mapper.readTree(yaml);
            lines = lines(mapper, yaml);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new Invalid(file, List.of("line " + line + ": not valid YAML: " + e.getOriginalMessage()));
        }
        List<String> problems = new ArrayList<>();
        Problems at = (pointer, field, message) ->
                problems.add("line " + lines.getOrDefault(pointer, lines.getOrDefault(parentOf(pointer), 1)) + " ("
                        + field + "): " + message);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return List.of(); // an empty file: no webhooks
        }
        if (!root.isObject()) {
            throw new Invalid(file, List.of("line 1: the file must be a map with a list 'webhooks'"));
        }
        root.fieldNames().forEachRemaining(name -> {
            if (!name.equals("webhooks")) {
                at.add("/" + name, name, "unknown key (expected only 'webhooks')");
            }
        });
        JsonNode list = root.path("webhooks");
        List<WebhookEndpoint> endpoints = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            at.add("/webhooks", "webhooks", "missing: the list of endpoints");
        } else if (!list.isArray()) {
            at.add("/webhooks", "webhooks", "must be a list of endpoints");
        } else if (list.size() > MAX_ENDPOINTS) {
            at.add("/webhooks", "webhooks", "more than " + MAX_ENDPOINTS + " endpoints");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                WebhookEndpoint endpoint =
                        endpoint(list.get(i), "/webhooks/" + i, "webhooks[" + i + "]", environment, at);
                if (endpoint != null && !names.add(endpoint.name())) {
                    at.add(
                            "/webhooks/" + i + "/name",
                            "webhooks[" + i + "].name",
                            "'" + endpoint.name() + "' is the name of an endpoint above");
                } else if (endpoint != null) {
                    endpoints.add(endpoint);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new Invalid(file, problems);
        }
        return List.copyOf(endpoints);
    }

    @FunctionalInterface
    private interface Problems {
        void add(String pointer, String field, String message);
    }

    private static WebhookEndpoint endpoint(
            JsonNode node, String pointer, String field, UnaryOperator<String> environment, Problems at) {
        if (!node.isObject()) {
            at.add(pointer, field, "must be a map with name, url, secret or secretEnv, events, format");
            return null;
        }
        int[] found = {0};
        Problems counted = (p, f, m) -> {
            found[0]++;
            at.add(p, f, m);
        };
        node.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                counted.add(pointer + "/" + name, field + "." + name, "unknown key (expected " + FIELDS + ")");
            }
        });
        String name = text(node, "name", pointer, field, counted);
        if (name != null && !name.matches("[A-Za-z0-9._-]{1,64}")) {
            counted.add(pointer + "/name", field + ".name", "1 to 64 letters, digits, '.', '_' or '-'");
        }
        URI url = url(node, pointer, field, counted);
        WebhookEndpoint.Format format = format(node, pointer, field, counted);
        Set<NotificationKind> events = events(node, pointer, field, counted);
        byte[] key = key(node, pointer, field, format, environment, counted);
        if (found[0] > 0) {
            return null;
        }
        return new WebhookEndpoint(name, url, key, events, format);
    }

    private static String text(JsonNode node, String key, String pointer, String field, Problems at) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            at.add(pointer, field + "." + key, "missing");
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            at.add(pointer + "/" + key, field + "." + key, "must be a non-empty string");
            return null;
        }
        return value.asText().strip();
    }

    private static URI url(JsonNode node, String pointer, String field, Problems at) {
        String text = text(node, "url", pointer, field, at);
        if (text == null) {
            return null;
        }
        try {
            URI url = new URI(text);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                at.add(pointer + "/url", field + ".url", "'" + text + "' is not an http or https URL");
                return null;
            }
            if (url.getHost() == null) {
                at.add(pointer + "/url", field + ".url", "'" + text + "' names no host");
                return null;
            }
            return url;
        } catch (URISyntaxException e) {
            at.add(pointer + "/url", field + ".url", "not a URL: " + e.getReason());
            return null;
        }
    }

    private static WebhookEndpoint.Format format(JsonNode node, String pointer, String field, Problems at) {
        JsonNode value = node.get("format");
        if (value == null || value.isNull()) {
            return WebhookEndpoint.Format.STANDARD;
        }
        return switch (value.asText()) {
            case "standard" -> WebhookEndpoint.Format.STANDARD;
            case "slack" -> WebhookEndpoint.Format.SLACK;
            default -> {
                at.add(
                        pointer + "/format",
                        field + ".format",
                        "'" + value.asText() + "' is not a format: standard or slack");
                yield null;
            }
        };
    }

    private static Set<NotificationKind> events(JsonNode node, String pointer, String field, Problems at) {
        JsonNode value = node.get("events");
        if (value == null || value.isNull()) {
            at.add(pointer, field + ".events", "missing: a list of notification types, or \"*\"");
            return null;
        }
        if (value.isTextual() && value.asText().equals("*")) {
            return EnumSet.allOf(NotificationKind.class);
        }
        if (!value.isArray() || value.isEmpty()) {
            at.add(pointer + "/events", field + ".events", "must be a non-empty list of notification types, or \"*\"");
            return null;
        }
        Set<NotificationKind> kinds = new LinkedHashSet<>();
        Iterator<JsonNode> items = value.elements();
        for (int i = 0; items.hasNext(); i++) {
            String type = items.next().asText();
            if (type.equals("*")) {
                kinds.addAll(EnumSet.allOf(NotificationKind.class));
                continue;
            }
            var kind = NotificationKind.ofType(type);
            if (kind.isEmpty()) {
                at.add(
                        pointer + "/events/" + i,
                        field + ".events[" + i + "]",
                        "'" + type + "' is not a notification type (" + types() + " or \"*\")");
            } else {
                kinds.add(kind.get());
            }
        }
        return kinds;
    }

    private static byte[] key(
            JsonNode node,
            String pointer,
            String field,
            WebhookEndpoint.Format format,
            UnaryOperator<String> environment,
            Problems at) {
        boolean inline = node.hasNonNull("secret");
        boolean fromEnv = node.hasNonNull("secretEnv");
        if (inline && fromEnv) {
            at.add(pointer + "/secretEnv", field + ".secretEnv", "give either secret or secretEnv, not both");
            return null;
        }
        String secret;
        String where;
        if (fromEnv) {
            String variable = node.get("secretEnv").asText();
            secret = environment.apply(variable);
            where = field + ".secretEnv";
            if (secret == null || secret.isBlank()) {
                at.add(pointer + "/secretEnv", where, "the environment variable " + variable + " is not set");
                return null;
            }
        } else if (inline) {
            secret = node.get("secret").asText();
            where = field + ".secret";
        } else {
            if (format == WebhookEndpoint.Format.SLACK) {
                return new byte[0];
            }
            at.add(pointer, field + ".secret", "missing: a standard endpoint needs secret or secretEnv (whsec_...)");
            return null;
        }
        try {
            return WebhookSigner.keyOf(secret.strip());
        } catch (IllegalArgumentException e) {
            at.add(pointer + (fromEnv ? "/secretEnv" : "/secret"), where, e.getMessage());
            return null;
        }
    }

    private static String types() {
        return String.join(
                ", ",
                java.util.Arrays.stream(NotificationKind.values())
                        .map(NotificationKind::type)
                        .toList());
    }

    private static String parentOf(String pointer) {
        int slash = pointer.lastIndexOf('/');
        return slash <= 0 ? "" : pointer.substring(0, slash);
    }

    /** The line each value starts on, by JSON pointer ({@code /webhooks/0/url}). */
    private static Map<String, Integer> lines(ObjectMapper mapper, String yaml) throws JsonProcessingException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = mapper.getFactory().createParser(yaml)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                // a field name and its value share the pointer; the first (the name's line) is kept
                if (token != JsonToken.END_OBJECT && token != JsonToken.END_ARRAY) {
                    lines.putIfAbsent(
                            parser.getParsingContext().pathAsPointer().toString(),
                            parser.currentTokenLocation().getLineNr());
                }
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a string", e);
        }
        return lines;
    }
}
