package dev.vienna.sdk.evidence;

import java.util.Objects;

/**
 * The outcome of checking a proof: accepted, or refused with the reason. Verification in this package returns a verdict
 * instead of throwing, whatever the input.
 *
 * @param accepted whether the proof holds
 * @param reason "verified" when accepted, otherwise why the proof was refused
 */
public record Verdict(boolean accepted, String reason) {

    private static final Verdict ACCEPTED = new Verdict(true, "verified");

    public Verdict {
        Objects.requireNonNull(reason, "reason");
    }

    public static Verdict accept() {
        return ACCEPTED;
    }

    public static Verdict refuse(String reason) {
        return new Verdict(false, reason);
    }
}
