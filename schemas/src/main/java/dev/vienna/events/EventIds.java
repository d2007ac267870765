package dev.vienna.events;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event ids derived from the intent and the stage, so a stage that processes the same input twice (a retry, a restart
 * before commit) publishes the same event id, and consumers can de-duplicate.
 */
public final class EventIds {

    public static String of(String intentId, String stage) {
        return UUID.nameUUIDFromBytes((stage + ":" + intentId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    public static String random() {
        return UUID.randomUUID().toString();
    }

    private EventIds() {}
}
