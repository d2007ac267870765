package dev.vienna.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Idempotency keys: the intentId of a submission with a key is derived from the tenant, the agent and the key
 * ({@link #intentIdOf}), so every intake instance, also after a restart, gives a retry the same intentId, and
 * policy-service decides an intentId once (its exactly-once {@code decided-intents} store): two instances that both
 * publish a retried intent still make one intent downstream. This class also remembers, per instance and bounded
 * (oldest forgotten first), the keys it has published, so a retry to the same instance is answered {@code replayed}
 * without publishing again, even when it races the original. A key reused with another body names the original intent
 * (the first body published is the one decided).
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

    /** The intentId of an agent's submission with idempotency key {@code key}: the same on every instance. */
    public static String intentIdOf(String tenantId, String agentId, String key) {
        return java.util
                .UUID
                .nameUUIDFromBytes(("idempotency\u0000" + tenantId + '\u0000' + agentId + '\u0000' + key)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
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
