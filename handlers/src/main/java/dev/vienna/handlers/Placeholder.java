package dev.vienna.handlers;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A value a template may refer to: the intent's resource, one of its params, or a built-in ({@code warrant},
 * {@code intent}, {@code agent}, {@code action}). Resource and params come from the agent, so they need a pattern under
 * {@code args}; the built-ins come from the warrant and need none.
 */
record Placeholder(Source source, String param) {

    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    /** Where a placeholder's value comes from. */
    enum Source {
        RESOURCE,
        PARAM,
        WARRANT,
        INTENT,
        AGENT,
        ACTION
    }

    static final String KNOWN = "{resource}, {params.NAME}, {warrant}, {intent}, {agent} or {action}";

    /** Parses {@code resource}, {@code params.NAME}, {@code warrant}, {@code intent}, {@code agent}, {@code action}. */
    static Optional<Placeholder> parse(String name) {
        return switch (name) {
            case "resource" -> Optional.of(new Placeholder(Source.RESOURCE, null));
            case "warrant" -> Optional.of(new Placeholder(Source.WARRANT, null));
            case "intent" -> Optional.of(new Placeholder(Source.INTENT, null));
            case "agent" -> Optional.of(new Placeholder(Source.AGENT, null));
            case "action" -> Optional.of(new Placeholder(Source.ACTION, null));
            default ->
                name.startsWith("params.")
                                && PARAM_NAME
                                        .matcher(name.substring("params.".length()))
                                        .matches()
                        ? Optional.of(new Placeholder(Source.PARAM, name.substring("params.".length())))
                        : Optional.empty();
        };
    }

    /** True for the agent-chosen values, which must match a pattern under {@code args}. */
    boolean needsPattern() {
        return source == Source.RESOURCE || source == Source.PARAM;
    }

    /** The name as written inside the braces: {@code resource}, {@code params.replicas}, {@code warrant}. */
    String name() {
        return source == Source.PARAM ? "params." + param : source.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return name();
    }
}
