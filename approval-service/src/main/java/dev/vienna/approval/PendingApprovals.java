package dev.vienna.approval;

import dev.vienna.events.IntentTiered;
import dev.vienna.platform.StateStores;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Queries the pending-approvals store of this instance. (With several instances each holds the
 * partitions it owns; the API then needs to fan out, which comes with multi-instance deployment.)
 */
@ApplicationScoped
public class PendingApprovals {

  @Inject KafkaStreams streams;

  public List<IntentTiered> all() {
    List<IntentTiered> pending = new ArrayList<>();
    ReadOnlyKeyValueStore<String, IntentTiered> store = StateStores.keyValue(streams, ApprovalTopology.PENDING_STORE);
    try (var iterator = store.all()) {
      iterator.forEachRemaining(entry -> pending.add(entry.value));
    }
    pending.sort(Comparator.comparing(IntentTiered::getOccurredAt));
    return pending;
  }
}
