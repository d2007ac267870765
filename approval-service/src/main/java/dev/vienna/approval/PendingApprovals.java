package dev.vienna.approval;

import dev.vienna.events.IntentTiered;
import dev.vienna.platform.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
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
    try (var iterator = store().all()) {
      iterator.forEachRemaining(entry -> pending.add(entry.value));
    }
    pending.sort(Comparator.comparing(IntentTiered::getOccurredAt));
    return pending;
  }

  private ReadOnlyKeyValueStore<String, IntentTiered> store() {
    try {
      return streams.store(StoreQueryParameters.fromNameAndType(ApprovalTopology.PENDING_STORE, QueryableStoreTypes.keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw new ProblemException(503, "Approvals not available yet", "the approval store is not ready (" + streams.state() + "); retry shortly");
    }
  }
}
