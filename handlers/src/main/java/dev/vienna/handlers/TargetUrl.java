package dev.vienna.handlers;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An http action's URL: the operator's allow-listed {@code baseUrl} plus a {@code path} template whose placeholder
 * values are percent-encoded as (part of) one path segment, so that {@code /}, {@code ?}, {@code #} or {@code %} in a
 * value stay data. The result is checked to stay under the base (same scheme, host and port; path under the base path)
 * before any request is made.
 */
final class TargetUrl {

    private final URI base;
    private final String basePath; // the base's raw path without a trailing slash ("" for the root)
    private final Template path; // null: the base itself

    private TargetUrl(URI base, String basePath, Template path) {
        this.base = base;
        this.basePath = basePath;
        this.path = path;
    }

    static TargetUrl parse(ConfigNode action, Arguments arguments) {
        ConfigNode baseNode = action.child("baseUrl");
        String baseText = Template.parse(baseNode, false, true).render(Map.of());
        URI base;
        try {
            base = new URI(baseText);
        } catch (URISyntaxException e) {
            throw baseNode.fail("not an absolute http(s) URL: " + e.getMessage());
        }
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!base.isAbsolute() || !Set.of("http", "https").contains(scheme) || base.getHost() == null) {
            throw baseNode.fail("not an absolute http(s) URL (write http://host:port/ or https://host/path/)");
        }
        if (base.getRawUserInfo() != null || base.getRawQuery() != null || base.getRawFragment() != null) {
            throw baseNode.fail("must not hold user info, a query or a fragment (put credentials in headers)");
        }
        base = base.normalize();
        String rawPath = base.getRawPath() == null ? "" : base.getRawPath();
        if (rawPath.startsWith("/..")) {
            throw baseNode.fail("its path may not climb above the root");
        }
        String basePath = rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        ConfigNode pathNode = action.child("path");
        Template path = null;
        if (!pathNode.isMissing()) {
            path = Template.parse(pathNode, true, false);
            arguments.requirePatterns(pathNode, path.placeholders());
        }
        TargetUrl target = new TargetUrl(base, basePath, path);
        Map<Placeholder, String> sample = new HashMap<>();
        if (path != null) {
            path.placeholders().forEach(placeholder -> sample.put(placeholder, "x"));
        }
        try {
            target.resolve(sample);
        } catch (ArgumentRejected e) {
            throw (pathNode.isMissing() ? baseNode : pathNode).fail(e.getMessage());
        }
        return target;
    }

    /** The placeholders of the path template. */
    Set<Placeholder> placeholders() {
        return path == null ? Set.of() : path.placeholders();
    }

    /** The URL for these values, or the reason it may not be requested. */
    URI resolve(Map<Placeholder, String> texts) throws ArgumentRejected {
        if (path == null) {
            return base;
        }
        for (Placeholder placeholder : path.placeholders()) {
            String value = texts.get(placeholder);
            if (".".equals(value) || "..".equals(value)) {
                throw new ArgumentRejected(
                        "argument " + placeholder.name() + " may not be '" + value + "' in a URL path");
            }
        }
        String rendered = path.render(texts, TargetUrl::encodeSegment);
        String joined = base.getScheme() + "://" + base.getRawAuthority() + basePath
                + (rendered.startsWith("/") || rendered.isEmpty() ? "" : "/") + rendered;
        URI uri;
        try {
            uri = new URI(joined).normalize();
        } catch (URISyntaxException e) {
            throw new ArgumentRejected("the URL is not valid: " + e.getMessage());
        }
        String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
        boolean underBase = uri.getScheme().equalsIgnoreCase(base.getScheme())
                && base.getRawAuthority().equalsIgnoreCase(uri.getRawAuthority())
                && (rawPath.equals(basePath) || rawPath.startsWith(basePath + "/"))
                && !rawPath.startsWith("/../")
                && !rawPath.equals("/..");
        if (!underBase) {
            throw new ArgumentRejected("the URL " + uri + " is not under the action's baseUrl " + base);
        }
        return uri;
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters (letters, digits, {@code -._~}). */
    static String encodeSegment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
                out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return base + (path == null ? "" : " + path template");
    }
}
