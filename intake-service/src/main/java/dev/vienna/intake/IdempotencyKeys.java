package dev.vienna.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Remembers which intentId an agent's idempotency key produced, so a retried submission returns the same intent instead
 * of creating a second one, even when the retry races the original. Bounded (oldest forgotten first) and per instance:
 * nothing de-duplicates retries that reach two intake replicas (each publishes an intent), so with several replicas
 * route an agent's retries to one of them.
 */
@ApplicationScoped
public class IdempotencyKeys {

    private static final int STRIPES = 64;

    private final Map<String, String> intentByKey;
    private final Object[] stripes = new Object[STRIPES];

    @Inject
    public IdempotencyKeys(IntakeConfig config) {
        int capacity = config.idempotencyCacheSize();
        this.intentByKey = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /**
     * The intent this key already produced, or the one {@code publish} produces now. Calls with the same key are
     * serialized, so only one of two racing retries publishes; a failed publish remembers nothing and the next retry
     * tries again.
     */
    public Result intentFor(String tenantId, String agentId, String key, Supplier<String> publish) {
        String composed = tenantId + '\u0000' + agentId + '\u0000' + key;
        synchronized (stripes[Math.floorMod(composed.hashCode(), STRIPES)]) {
            String earlier = lookup(composed);
            if (earlier != null) {
                return new Result(earlier, true);
            }
            String intentId = publish.get();
            remember(composed, intentId);
            return new Result(intentId, false);
        }
    }

    private synchronized String lookup(String composed) {
        return intentByKey.get(composed);
    }

    private synchronized void remember(String composed, String intentId) {
        intentByKey.put(composed, intentId);
    }

    /** The intent for a key, and whether it was produced by an earlier submission. */
    public record Result(String intentId, boolean replayed) {}
}
