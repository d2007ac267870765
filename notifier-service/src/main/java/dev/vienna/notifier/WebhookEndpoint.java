package dev.vienna.notifier;

import java.net.URI;
import java.util.Set;

/**
 * One receiver of notifications, from the webhooks file.
 *
 * @param name its name in metrics, logs and dead letters
 * @param url where notifications are POSTed (http or https)
 * @param key the HMAC key of its {@code whsec_} secret; empty: not signed (a {@code slack} endpoint without a secret)
 * @param events the kinds it receives
 * @param format how the body is written
 */
public record WebhookEndpoint(String name, URI url, byte[] key, Set<NotificationKind> events, Format format) {

    /** How a notification is written for the receiver. */
    public enum Format {
        /** The Standard Webhooks body {@code {"type", "timestamp", "data"}}. */
        STANDARD,
        /** A Slack incoming-webhook message {@code {"text", "blocks"}} linking to the intent in the console. */
        SLACK
    }

    public WebhookEndpoint {
        key = key.clone();
        events = Set.copyOf(events);
    }

    boolean accepts(NotificationKind kind) {
        return events.contains(kind);
    }

    boolean signed() {
        return key.length > 0;
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "WebhookEndpoint[" + name + " " + url + " " + format + " " + events + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookEndpoint e && e.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
