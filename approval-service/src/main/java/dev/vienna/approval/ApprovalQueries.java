package dev.vienna.approval;

import dev.vienna.platform.streams.StateStores;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the {@value ApprovalTopology#APPROVALS_STORE} store of this instance, which holds the partitions it owns:
 * {@link ApprovalsResource} sends a read of another instance's intent there, and merges the others' pending lists.
 */
@ApplicationScoped
public class ApprovalQueries {

    @Inject
    KafkaStreams streams;

    /** The intent's approval state, pending or decided within the retention. */
    public Optional<ApprovalState> get(String intentId) {
        return Optional.ofNullable(store().get(intentId));
    }

    /** Intents still waiting for operators, oldest policy decision first. */
    public List<ApprovalState> pending() {
        List<ApprovalState> pending = new ArrayList<>();
        try (var iterator = store().all()) {
            iterator.forEachRemaining(entry -> {
                if (!entry.value.decided()) {
                    pending.add(entry.value);
                }
            });
        }
        pending.sort(Comparator.comparing(s -> s.tiered().getOccurredAt()));
        return pending;
    }

    private ReadOnlyKeyValueStore<String, ApprovalState> store() {
        return StateStores.keyValue(streams, ApprovalTopology.APPROVALS_STORE);
    }
}
