package dev.vienna.handlers;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What every built-in handler does before it runs anything: fixes the deadline (the earlier of its timeout and the
 * warrant's), refuses an expired warrant, takes and checks every argument against its pattern, and turns any unexpected
 * exception into a FAILED outcome, so that {@link #run} never throws.
 */
abstract class BuiltInHandler implements ActionHandler {

    private static final Logger LOG = Logger.getLogger(BuiltInHandler.class);

    private final HandlerKind kind;
    private final String action;
    private final Arguments arguments;
    private final Duration timeout;
    private final List<Placeholder> used;

    /** {@code timeout} null: the handler sets no time limit of its own. */
    BuiltInHandler(
            HandlerKind kind, String action, Arguments arguments, Duration timeout, Collection<Placeholder> used) {
        this.kind = kind;
        this.action = action;
        this.arguments = arguments;
        this.timeout = timeout;
        this.used = List.copyOf(used);
    }

    @Override
    public final String kind() {
        return kind.id();
    }

    final HandlerKind handlerKind() {
        return kind;
    }

    /** The configured action name. */
    final String action() {
        return action;
    }

    @Override
    public final ActionOutcome run(ActionInput input) {
        return run(input, Clock.systemUTC());
    }

    /** Runs with the deadline measured against {@code clock} (the dispatcher's). */
    final ActionOutcome run(ActionInput input, Clock clock) {
        if (input == null) {
            return ActionOutcome.rejected("no action input");
        }
        long started = System.nanoTime();
        ActionOutcome outcome;
        try {
            Deadline deadline = Deadline.starting(clock.instant(), timeout, input.deadline());
            if (deadline.alreadyPassed()) {
                outcome = ActionOutcome.rejected("the warrant's deadline " + input.deadline() + " has passed");
            } else {
                outcome = execute(input, arguments.resolve(input, used), deadline);
            }
        } catch (ArgumentRejected e) {
            outcome = ActionOutcome.rejected(e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "action %s (%s) failed unexpectedly", action, kind.id());
            outcome = ActionOutcome.failed("the " + kind.id() + " handler failed unexpectedly: " + e);
        }
        LOG.debugf(
                "action %s (%s) for warrant %s: %s in %d us",
                action, kind.id(), input.warrantId(), outcome.status(), (System.nanoTime() - started) / 1000);
        return outcome;
    }

    /** Runs the action with its checked argument values, within {@code deadline}. */
    abstract ActionOutcome execute(ActionInput input, Map<Placeholder, Arguments.Value> values, Deadline deadline);

    /** Stops whatever this handler is still running (the dispatcher's close); a no-op where interrupts suffice. */
    void cancelRunning() {}

    @Override
    public String toString() {
        return kind.id() + " action " + action;
    }
}
