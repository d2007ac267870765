package dev.vienna.executor;

import dev.vienna.events.WarrantIssued;

/** A built-in action handler. It runs only after its warrant verified. */
public interface Handler {

    /** The name configuration maps actions to. */
    String name();

    /** Runs the warrant's action; returns its output as JSON, or throws when the action failed. */
    String run(WarrantIssued warrant) throws Exception;
}
