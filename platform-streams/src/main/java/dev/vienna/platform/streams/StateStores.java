package dev.vienna.platform.streams;

import dev.vienna.platform.ProblemException;
import dev.vienna.platform.ProblemResponses;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries for REST resources: a key-value store of this instance, or a 503 problem while the topology is
 * starting or stopped (reads during a rebalance raise InvalidStateStoreException, which {@link ProblemResponses} also
 * answers with 503).
 */
public final class StateStores {

    public static <K, V> ReadOnlyKeyValueStore<K, V> keyValue(KafkaStreams streams, String storeName) {
        try {
            return streams.store(
                    StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<K, V>keyValueStore()));
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw ProblemException.unavailable(
                    "Not available yet",
                    "store " + storeName + " is not queryable while Kafka Streams is " + streams.state()
                            + "; retry shortly",
                    ProblemResponses.RETRY_AFTER);
        }
    }

    private StateStores() {}
}
