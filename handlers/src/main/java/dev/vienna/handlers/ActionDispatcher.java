package dev.vienna.handlers;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Runs actions concurrently, bounded per handler kind: each kind has its own pool of {@code concurrency(kind)} threads
 * and its own queue, so a slow shell action holds up neither the http, sql or noop actions nor more than its own slot.
 * An action waiting in the queue gets its deadline when it starts; one whose warrant expired meanwhile is REJECTED
 * without running. The returned futures complete on the pool's thread and never exceptionally.
 */
public final class ActionDispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ActionDispatcher.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    private static final Duration AFTER_KILL = Duration.ofSeconds(3);

    private final ActionCatalog catalog;
    private final Clock clock;
    private final Duration closeGrace;
    private final Map<HandlerKind, ThreadPoolExecutor> pools = new EnumMap<>(HandlerKind.class);
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A dispatcher for the catalog's actions; {@code clock} tells whether a warrant's deadline has passed. */
    public ActionDispatcher(ActionCatalog catalog, Clock clock) {
        this(catalog, clock, CLOSE_GRACE);
    }

    ActionDispatcher(ActionCatalog catalog, Clock clock, Duration closeGrace) {
        this.catalog = catalog;
        this.clock = clock;
        this.closeGrace = closeGrace;
        for (HandlerKind kind : HandlerKind.values()) {
            int threads = catalog.concurrency().get(kind.id());
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threadsNamed(kind));
            pool.allowCoreThreadTimeOut(true);
            pools.put(kind, pool);
        }
    }

    /**
     * Runs the action on its kind's pool. Never throws; the future never completes exceptionally. An action with no
     * handler, an inactive one, or one whose warrant's deadline has passed is REJECTED at once.
     */
    public CompletableFuture<ActionOutcome> dispatch(ActionInput input) {
        return dispatchWhen(input, null).thenApply(Optional::orElseThrow);
    }

    /**
     * The same, but {@code gate} is asked on the pool thread just before the action would run, once a slot of its kind
     * is free (executor-service claims the warrant there, so a warrant waiting for a slot is not claimed yet). When the
     * gate answers false the action does not run and the future completes empty. The future completes exceptionally
     * only when the gate throws, or when the dispatcher closed before the action was started: then nothing ran and the
     * gate was not asked.
     */
    public CompletableFuture<Optional<ActionOutcome>> dispatchWhen(ActionInput input, BooleanSupplier gate) {
        return submit(input, gate);
    }

    /** Dispatches, gated unless {@code gate} is null. */
    private CompletableFuture<Optional<ActionOutcome>> submit(ActionInput input, BooleanSupplier gate) {
        try {
            if (input == null) {
                return completed(ActionOutcome.rejected("no action input"));
            }
            if (closed.get()) {
                return completed(ActionOutcome.rejected("the action dispatcher is closed"));
            }
            BuiltInHandler handler = catalog.builtIn(input.action());
            if (handler == null) {
                String why = catalog.inactive().get(input.action());
                return completed(ActionOutcome.rejected(
                        why == null
                                ? "no built-in handler for action '" + input.action() + "'"
                                : "action '" + input.action() + "' is not active: " + why));
            }
            if (input.deadline() != null && !clock.instant().isBefore(input.deadline())) {
                return completed(ActionOutcome.rejected("the warrant's deadline " + input.deadline() + " has passed"));
            }
            Run run = new Run(handler, input, gate);
            try {
                pools.get(handler.handlerKind()).execute(run);
            } catch (RejectedExecutionException e) {
                run.future.complete(Optional.of(ActionOutcome.rejected("the action dispatcher is closed")));
            }
            return run.future;
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not dispatch action %s", input == null ? null : input.action());
            return completed(ActionOutcome.failed("could not dispatch the action: " + e));
        }
    }

    private static CompletableFuture<Optional<ActionOutcome>> completed(ActionOutcome outcome) {
        return CompletableFuture.completedFuture(Optional.of(outcome));
    }

    /**
     * Stops accepting actions, refuses those still queued, waits a little for the running ones, then kills what still
     * runs (interrupts the threads: a shell action's process tree is killed, an http exchange cancelled, an sql
     * statement cancelled).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Runnable> queued = new ArrayList<>();
        for (ThreadPoolExecutor pool : pools.values()) {
            pool.shutdown();
            pool.getQueue().drainTo(queued);
        }
        refuse(queued);
        if (!awaitTermination(closeGrace)) {
            for (ThreadPoolExecutor pool : pools.values()) {
                refuse(pool.shutdownNow());
            }
            catalog.handlers().forEach(BuiltInHandler::cancelRunning);
            if (!awaitTermination(AFTER_KILL)) {
                LOG.warn("some actions were still running after the action dispatcher closed");
            }
        }
    }

    /**
     * Actions that never started: a plain dispatch is REJECTED; a gated one fails (its gate was never asked, so its
     * caller must treat it as not handled, not as refused).
     */
    private static void refuse(List<Runnable> queued) {
        for (Runnable runnable : queued) {
            if (runnable instanceof Run run) {
                run.notStarted();
            }
        }
    }

    private boolean awaitTermination(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        try {
            for (ThreadPoolExecutor pool : pools.values()) {
                if (!pool.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static ThreadFactory threadsNamed(HandlerKind kind) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "vienna-" + kind.id() + "-action-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One dispatched action: runs its handler and completes its future, whatever happens. */
    private final class Run implements Runnable {

        private final BuiltInHandler handler;
        private final ActionInput input;
        private final BooleanSupplier gate;
        private final CompletableFuture<Optional<ActionOutcome>> future = new CompletableFuture<>();

        private Run(BuiltInHandler handler, ActionInput input, BooleanSupplier gate) {
            this.handler = handler;
            this.input = input;
            this.gate = gate;
        }

        void notStarted() {
            if (gate == null) {
                future.complete(
                        Optional.of(ActionOutcome.rejected("the action dispatcher closed before the action started")));
            } else {
                future.completeExceptionally(
                        new CancellationException("the action dispatcher closed before the action started"));
            }
        }

        @Override
        public void run() {
            try {
                if (gate != null && !gate.getAsBoolean()) {
                    future.complete(Optional.empty());
                    return;
                }
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
                return;
            }
            ActionOutcome outcome;
            try {
                outcome = handler.run(input, clock);
            } catch (RuntimeException | Error e) {
                outcome = ActionOutcome.failed("the " + handler.kind() + " handler failed unexpectedly: " + e);
            }
            future.complete(Optional.of(outcome));
        }
    }
}
