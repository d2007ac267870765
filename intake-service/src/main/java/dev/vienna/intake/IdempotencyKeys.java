package dev.vienna.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers which intentId an agent's idempotency key produced, so a retried submission returns
 * the same intent instead of creating a second one. Bounded (oldest forgotten first) and per
 * instance: with several intake replicas, route an agent's retries to one replica, or rely on the
 * downstream de-duplication by intentId (a later stage of the design).
 */
@ApplicationScoped
public class IdempotencyKeys {

  private final Map<String, String> intentByKey;

  @Inject
  public IdempotencyKeys(IntakeConfig config) {
    int capacity = config.idempotencyCacheSize();
    this.intentByKey = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > capacity;
      }
    };
  }

  public synchronized Optional<String> intentFor(String tenantId, String agentId, String key) {
    return Optional.ofNullable(intentByKey.get(compose(tenantId, agentId, key)));
  }

  public synchronized void remember(String tenantId, String agentId, String key, String intentId) {
    intentByKey.putIfAbsent(compose(tenantId, agentId, key), intentId);
  }

  private static String compose(String tenantId, String agentId, String key) {
    return tenantId + '\u0000' + agentId + '\u0000' + key;
  }
}
