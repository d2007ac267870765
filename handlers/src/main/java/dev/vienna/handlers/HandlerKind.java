package dev.vienna.handlers;

import java.util.Locale;
import java.util.Optional;

/** The built-in handler kinds, as named in the actions file, with each kind's default concurrency. */
enum HandlerKind {
    NOOP(4),
    SHELL(4),
    HTTP(16),
    SQL(4);

    private final int defaultConcurrency;

    HandlerKind(int defaultConcurrency) {
        this.defaultConcurrency = defaultConcurrency;
    }

    /** The name used in the actions file ({@code handler: shell}). */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    int defaultConcurrency() {
        return defaultConcurrency;
    }

    static Optional<HandlerKind> byId(String id) {
        for (HandlerKind kind : values()) {
            if (kind.id().equals(id)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    static String ids() {
        StringBuilder ids = new StringBuilder();
        for (HandlerKind kind : values()) {
            ids.append(ids.length() == 0 ? "" : ", ").append(kind.id());
        }
        return ids.toString();
    }
}
