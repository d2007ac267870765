package dev.vienna.handlers;

/**
 * The actions file is not valid. The message starts with the exact key path of the first problem, for example
 * {@code actions.restart_service.args.resource: not a valid regular expression: ...}.
 */
public final class ActionConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String keyPath;

    ActionConfigException(String source, String keyPath, String problem) {
        super(keyPath + ": " + problem);
        this.source = source;
        this.keyPath = keyPath;
    }

    /** The file (or source name) that was loaded. */
    public String source() {
        return source;
    }

    /** The key path of the problem, e.g. {@code actions.restart_service.args.resource}. */
    public String keyPath() {
        return keyPath;
    }
}
