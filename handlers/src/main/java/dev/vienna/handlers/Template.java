package dev.vienna.handlers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A text template from the actions file, parsed at load: literal text and <code>{placeholder}</code> references. <code>
 * ${VAR}</code> references are resolved at load into literal text, in the keys that allow them (elsewhere they fail the
 * load); <code>$${</code> is a literal <code>${</code> and <code>{{</code> a literal <code>{</code>. Rendering
 * substitutes each placeholder's value as text; the template never re-parses a value, so a value is data whatever
 * characters it holds.
 */
final class Template {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** One piece of a template: literal text, or a placeholder (then {@code text} is null). */
    private record Segment(String text, Placeholder placeholder) {}

    private final List<Segment> segments;

    private Template(List<Segment> segments) {
        this.segments = List.copyOf(segments);
    }

    /** A template of the scalar at {@code node}. */
    static Template parse(ConfigNode node, boolean placeholders, boolean envReferences) {
        return parse(node, node.text(), placeholders, envReferences);
    }

    static Template parse(ConfigNode node, String text, boolean placeholders, boolean envReferences) {
        List<Segment> segments = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (text.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                String name = end < 0 ? "" : text.substring(i + 2, end);
                if (!ENV_NAME.matcher(name).matches()) {
                    throw node.fail("malformed ${VAR} reference at position " + i + " (write $${ for a literal ${)");
                }
                if (!envReferences) {
                    throw node.fail("${" + name + "}: environment references are resolved only in command, workdir,"
                            + " baseUrl and env values (write $${ for a literal ${)");
                }
                String value = node.env().apply(name);
                if (value == null) {
                    throw node.fail("refers to ${" + name + "}, which is not set");
                }
                literal.append(value);
                i = end + 1;
            } else if (c == '{' && placeholders) {
                if (text.startsWith("{{", i)) {
                    literal.append('{');
                    i += 2;
                    continue;
                }
                int end = text.indexOf('}', i + 1);
                if (end < 0) {
                    throw node.fail("unclosed { at position " + i + " (write {{ for a literal {)");
                }
                String name = text.substring(i + 1, end);
                Placeholder placeholder = Placeholder.parse(name)
                        .orElseThrow(() -> node.fail("unknown placeholder {" + name + "} (use " + Placeholder.KNOWN
                                + "; write {{ for a literal {)"));
                if (literal.length() > 0) {
                    segments.add(new Segment(literal.toString(), null));
                    literal.setLength(0);
                }
                segments.add(new Segment(null, placeholder));
                i = end + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0 || segments.isEmpty()) {
            segments.add(new Segment(literal.toString(), null));
        }
        return new Template(segments);
    }

    /** The placeholders the template refers to, in order of first use. */
    Set<Placeholder> placeholders() {
        Set<Placeholder> placeholders = new LinkedHashSet<>();
        for (Segment segment : segments) {
            if (segment.placeholder() != null) {
                placeholders.add(segment.placeholder());
            }
        }
        return Collections.unmodifiableSet(placeholders);
    }

    /** The placeholder when the template is exactly one placeholder and nothing else. */
    Optional<Placeholder> solePlaceholder() {
        return segments.size() == 1 && segments.get(0).placeholder() != null
                ? Optional.of(segments.get(0).placeholder())
                : Optional.empty();
    }

    /** The text with each placeholder replaced by {@code encode} of its value. */
    String render(Map<Placeholder, String> values, UnaryOperator<String> encode) {
        StringBuilder out = new StringBuilder();
        for (Segment segment : segments) {
            out.append(
                    segment.placeholder() == null ? segment.text() : encode.apply(values.get(segment.placeholder())));
        }
        return out.toString();
    }

    String render(Map<Placeholder, String> values) {
        return render(values, value -> value);
    }
}
