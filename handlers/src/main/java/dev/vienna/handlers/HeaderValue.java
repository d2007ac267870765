package dev.vienna.handlers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * One configured request header value: a template ({@code "text {warrant}"} or {@code {value: ...}}) or a secret read
 * once at load from an environment variable ({@code {env: NAME}}) or a file ({@code {file: /path}}), with an optional
 * literal {@code prefix}. A header value is never reported: {@link #toString} shows only where it came from.
 */
final class HeaderValue {

    private static final Set<String> KEYS = Set.of("value", "env", "file", "prefix");

    private final Template template; // null for a secret
    private final String secret; // null for a template
    private final String prefix;
    private final String origin;

    private HeaderValue(Template template, String secret, String prefix, String origin) {
        this.template = template;
        this.secret = secret;
        this.prefix = prefix;
        this.origin = origin;
    }

    static HeaderValue parse(ConfigNode node, Arguments arguments) {
        if (node.json().isValueNode()) {
            Template template = Template.parse(node, true, false);
            arguments.requirePatterns(node, template.placeholders());
            return new HeaderValue(template, null, "", "template");
        }
        node.allowKeys(KEYS);
        int sources = 0;
        for (String source : new String[] {"value", "env", "file"}) {
            sources += node.child(source).isMissing() ? 0 : 1;
        }
        if (sources != 1) {
            throw node.fail("needs exactly one of value, env or file");
        }
        String prefix =
                node.child("prefix").isMissing() ? "" : node.child("prefix").text();
        if (!isSendable(prefix)) {
            throw node.child("prefix").fail("holds a control character, a line break or a character beyond Latin-1");
        }
        if (!node.child("value").isMissing()) {
            Template template = Template.parse(node.child("value"), true, false);
            arguments.requirePatterns(node.child("value"), template.placeholders());
            return new HeaderValue(template, null, prefix, "value");
        }
        String secret;
        String origin;
        if (!node.child("env").isMissing()) {
            String name = node.child("env").text();
            secret = node.env().apply(name);
            if (secret == null) {
                throw node.child("env").fail(name + " is not set");
            }
            origin = "env " + name;
        } else {
            Path file = Path.of(node.child("file").text());
            try {
                secret = Files.readString(file).stripTrailing();
            } catch (IOException | RuntimeException e) {
                throw node.child("file")
                        .fail("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            }
            origin = "file " + file;
        }
        if (!isSendable(secret)) {
            ConfigNode where = node.child("env").isMissing() ? node.child("file") : node.child("env");
            throw where.fail("the secret holds a control character, a line break or a character beyond Latin-1");
        }
        return new HeaderValue(null, secret, prefix, origin);
    }

    Set<Placeholder> placeholders() {
        return template == null ? Set.of() : template.placeholders();
    }

    /** The value to send. */
    String render(Map<Placeholder, String> texts) {
        return prefix + (template == null ? secret : template.render(texts));
    }

    /**
     * True when the JDK client accepts {@code text} as a header value: tab, visible ASCII, space and Latin-1 only. (The
     * client's own refusal quotes the value in its exception message, so values are checked before it sees them.)
     */
    static boolean isSendable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "header value from " + origin + " (not shown)";
    }
}
