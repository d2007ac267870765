package dev.vienna.handlers;

/**
 * What running an action came to. {@code outputJson} is a JSON document (an object) or null; {@code error} is a
 * one-paragraph reason or null; {@code exitCode} is set for shell actions whose program exited.
 */
public record ActionOutcome(Status status, String outputJson, String error, Integer exitCode) {

    /** How an action ended. */
    public enum Status {
        /** The action ran and did what it was asked. */
        SUCCEEDED,
        /** The action ran, or was started, and did not succeed. */
        FAILED,
        /** Refused before anything ran: a bad argument, no handler, or a deadline already passed. */
        REJECTED
    }

    static ActionOutcome succeeded(String outputJson) {
        return new ActionOutcome(Status.SUCCEEDED, outputJson, null, null);
    }

    static ActionOutcome succeeded(String outputJson, Integer exitCode) {
        return new ActionOutcome(Status.SUCCEEDED, outputJson, null, exitCode);
    }

    static ActionOutcome failed(String error) {
        return new ActionOutcome(Status.FAILED, null, error, null);
    }

    static ActionOutcome failed(String error, String outputJson, Integer exitCode) {
        return new ActionOutcome(Status.FAILED, outputJson, error, exitCode);
    }

    static ActionOutcome rejected(String error) {
        return new ActionOutcome(Status.REJECTED, null, error, null);
    }
}
