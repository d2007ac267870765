package dev.vienna.notifier;

import dev.vienna.events.AuditRecord;
import dev.vienna.events.Topics;
import dev.vienna.platform.streams.DeadLetterRouting;
import dev.vienna.platform.streams.RecordSizeLimit;
import dev.vienna.platform.tracing.RecordTracing;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * {@code audit} in, {@code notifications} out: every audit record is decoded (an undecodable one is dead-lettered) and
 * handed to the {@link NotificationDeriver}, which keeps the held intents in a changelogged store. Exactly-once like
 * every Vienna stage: a notification, the store change that goes with it and the audit offset commit together, so a
 * restarted notifier neither loses nor repeats one (and a repeated derivation would carry the same webhook id).
 */
public final class NotificationTopology {

    public static final String SERVICE = "notifier-service";

    public static Topology buildTopology(NotificationSettings settings, RecordTracing tracing) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(NotificationDeriver.PENDING_STORE), Serdes.String(), Serdes.String()));
        KStream<String, AuditRecord> audit =
                DeadLetterRouting.decodeOrDeadLetter(builder, Topics.AUDIT, SERVICE, tracing);
        audit.process(
                        () -> new NotificationDeriver(settings),
                        Named.as("notification-deriver"),
                        NotificationDeriver.PENDING_STORE)
                .to(Topics.NOTIFICATIONS.name(), RecordSizeLimit.produced(Topics.NOTIFICATIONS, "notifications-sink"));
        return builder.build();
    }

    private NotificationTopology() {}
}
