package dev.vienna.handlers;

import java.time.Duration;
import java.time.Instant;

/**
 * When a running action must have ended: the earlier of its handler timeout and the warrant's deadline, fixed when it
 * starts. Time left is measured on the monotonic clock from that start.
 */
final class Deadline {

    private final Duration budget;
    private final boolean warrantBound;
    private final long startNanos;

    private Deadline(Duration budget, boolean warrantBound) {
        this.budget = budget;
        this.warrantBound = warrantBound;
        this.startNanos = System.nanoTime();
    }

    /**
     * The deadline of an action starting at {@code now}; {@code timeout} null means the handler sets none, and
     * {@code warrantDeadline} null means the warrant sets none.
     */
    static Deadline starting(Instant now, Duration timeout, Instant warrantDeadline) {
        Duration untilWarrant = warrantDeadline == null ? null : Duration.between(now, warrantDeadline);
        if (untilWarrant != null && (timeout == null || untilWarrant.compareTo(timeout) < 0)) {
            return new Deadline(untilWarrant, true);
        }
        return new Deadline(timeout == null ? Duration.ofDays(365) : timeout, false);
    }

    /** True when no time is left at the start (the warrant has expired). */
    boolean alreadyPassed() {
        return budget.isNegative() || budget.isZero();
    }

    /** Time left, never negative. */
    Duration remaining() {
        Duration left = budget.minusNanos(System.nanoTime() - startNanos);
        return left.isNegative() ? Duration.ZERO : left;
    }

    long remainingMillis() {
        return remaining().toMillis();
    }

    /** The whole budget: {@code 10s}, or {@code 850ms (the warrant's deadline)}. */
    String describe() {
        return Durations.format(budget) + (warrantBound ? " (the warrant's deadline)" : "");
    }

    Duration budget() {
        return budget;
    }
}
