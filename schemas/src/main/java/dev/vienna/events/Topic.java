package dev.vienna.events;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A topic as a typed value: its name, key type (always the intentId as a string, except the audit log whose key is the
 * unique record id), value type, and the topic-level configuration it must be created with. Serdes are built on each
 * call, never held in static state.
 *
 * @param name the topic name; only {@link Topics} spells one
 * @param valueType the generated event class, or {@code byte[]} for raw topics (dead letters)
 * @param config topic configuration (cleanup policy, retention) applied at creation
 */
public record Topic<V>(String name, Class<V> valueType, Map<String, String> config) {

    public Topic {
        config = Map.copyOf(config);
    }

    public Serde<String> keySerde() {
        return Serdes.String();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public Serde<V> valueSerde() {
        if (valueType == byte[].class) {
            return (Serde<V>) Serdes.ByteArray();
        }
        return (Serde<V>) new AvroSerde(valueType.asSubclass(SpecificRecord.class));
    }

    @Override
    public String toString() {
        return name;
    }
}
