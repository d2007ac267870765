package dev.vienna.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.sdk.client.ViennaClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.awaitility.Awaitility;

/**
 * A steady stream of intents for the kill tests: one submission every {@code period} on a scheduler of its own, the
 * i-th intent's body from {@code body.apply(i)}, until {@link #stop}. The intents accepted and the submissions refused
 * are kept; a test waits on them ({@link #awaitSubmitted}) rather than on the clock.
 */
final class SteadyLoad implements AutoCloseable {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<String> intents = new ArrayList<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();

    SteadyLoad(ViennaClient client, Duration period, IntFunction<Map<String, Object>> body) {
        scheduler.scheduleAtFixedRate(
                () -> {
                    int i = next.getAndIncrement();
                    try {
                        String intentId = client.submit(body.apply(i));
                        synchronized (intents) {
                            intents.add(intentId);
                        }
                    } catch (RuntimeException e) {
                        refused.add(i + ": " + e.getMessage());
                    }
                },
                0,
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** How many intents were accepted so far. */
    int submitted() {
        synchronized (intents) {
            return intents.size();
        }
    }

    /** Waits until {@code count} intents were accepted in all. */
    void awaitSubmitted(int count) {
        Awaitility.await("%d intents submitted".formatted(count))
                .atMost(Duration.ofMinutes(2))
                .until(() -> submitted() >= count);
    }

    /** Stops submitting (after the one under way, if any) and returns the intents accepted, in order. */
    List<String> stop() throws InterruptedException {
        scheduler.shutdown();
        if (!scheduler.awaitTermination(1, TimeUnit.MINUTES)) {
            throw new IllegalStateException("a submission did not finish within a minute");
        }
        synchronized (intents) {
            return List.copyOf(intents);
        }
    }

    /** The submissions intake refused, with why. */
    Set<String> refused() {
        return Set.copyOf(refused);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** The intent's lifecycle once audit-service has given its warrant a verdict. */
    static JsonNode awaitVerdict(ViennaClient client, String intentId, Duration timeout) {
        return Awaitility.await("a verdict for intent " + intentId)
                .atMost(timeout)
                // ask at once: the kill tests wait on hundreds of intents in turn, most of them long settled, and
                // Awaitility's first poll would otherwise come only after one interval
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> client.lifecycle(intentId).orElse(null),
                        lifecycle -> lifecycle != null && lifecycle.hasNonNull("verdict"));
    }
}
