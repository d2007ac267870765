package dev.vienna.handlers;

/**
 * A built-in action handler: one configured action of one kind. Operators configure it in the actions file; an agent
 * only supplies the arguments, each of which must match the operator's pattern before anything runs.
 */
public interface ActionHandler {

    /** The handler kind: {@code "noop"}, {@code "shell"}, {@code "http"} or {@code "sql"}. */
    String kind();

    /** Runs the action. Never throws: every failure is an outcome. */
    ActionOutcome run(ActionInput input);
}
