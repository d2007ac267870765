package dev.vienna.policy.engine;

import java.util.List;

/** A policy set that cannot become active, with every problem found ("file: rule id: error"). */
public final class PolicyRejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String version;
    private final List<String> errors;

    public PolicyRejected(String version, List<String> errors) {
        super("policy " + version + " rejected: " + String.join("; ", errors));
        this.version = version;
        this.errors = List.copyOf(errors);
    }

    public String version() {
        return version;
    }

    public List<String> errors() {
        return errors;
    }
}
