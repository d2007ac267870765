package dev.vienna.platform;

import dev.vienna.events.Topic;
import dev.vienna.events.Topics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Topic names as configuration, so that messaging channels name their topic without spelling it:
 * {@code vienna.topics.INTENT_SUBMISSIONS} is {@code Topics.INTENT_SUBMISSIONS}'s name (every constant of
 * {@link Topics}), e.g. {@code mp.messaging.incoming.submissions.topic=${vienna.topics.INTENT_SUBMISSIONS}}.
 * {@link Topics} stays the only place a topic name is written.
 */
public final class TopicNames implements ConfigSource {

    private static final String PREFIX = "vienna.topics.";
    private static final Map<String, String> NAMES = names();

    private static Map<String, String> names() {
        Map<String, String> names = new TreeMap<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == Topic.class) {
                try {
                    names.put(PREFIX + field.getName(), ((Topic<?>) field.get(null)).name());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Map.copyOf(names);
    }

    @Override
    public Set<String> getPropertyNames() {
        return NAMES.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return NAMES.get(propertyName);
    }

    @Override
    public String getName() {
        return "vienna-topic-names";
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}
