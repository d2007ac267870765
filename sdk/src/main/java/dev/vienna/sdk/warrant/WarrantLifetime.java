package dev.vienna.sdk.warrant;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The one warrant constraint that is not an expression: {@value #CONSTRAINT}, an ISO-8601 duration (e.g. PT5M) a policy
 * sets to shorten a warrant's lifetime below its tier's cap. warrant-service applies it to {@code exp}; verifiers skip
 * it (the expiry they check already holds it).
 */
public final class WarrantLifetime {

    /** The constraint's name in a policy and in the warrant's {@code constraints} claim. */
    public static final String CONSTRAINT = "warrant_lifetime";

    /** The lifetime a {@value #CONSTRAINT} value asks for; rejects anything but a positive duration. */
    public static Duration parse(String value) {
        try {
            Duration duration = Duration.parse(value);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("lifetime must be positive, not " + value);
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 duration: " + value);
        }
    }

    private WarrantLifetime() {}
}
