package dev.vienna.handlers;

/** An argument that may not be used: the action is REJECTED with this message before anything runs. */
final class ArgumentRejected extends Exception {

    private static final long serialVersionUID = 1L;

    ArgumentRejected(String message) {
        super(message, null, false, false);
    }
}
