package dev.vienna.handlers;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the actions file writes them: {@code 500ms}, {@code 10s}, {@code 2m}, or ISO-8601 {@code PT10S}. */
final class Durations {

    private static final Pattern SHORT = Pattern.compile("([0-9]{1,9})(ms|s|m)");

    private Durations() {}

    /** The duration, or empty when the text is not one. */
    static Optional<Duration> parse(String text) {
        Matcher matcher = SHORT.matcher(text.strip());
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return Optional.of(
                    switch (matcher.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        default -> Duration.ofMinutes(amount);
                    });
        }
        try {
            return Optional.of(Duration.parse(text.strip().toUpperCase(Locale.ROOT)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A short human form: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1.5s}. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 60_000 == 0) {
            return (millis / 60_000) + "m";
        }
        if (millis % 1000 == 0) {
            return (millis / 1000) + "s";
        }
        return new java.math.BigDecimal(millis)
                        .movePointLeft(3)
                        .stripTrailingZeros()
                        .toPlainString() + "s";
    }
}
