package dev.vienna.notifier;

import java.time.Instant;
import java.util.List;

/**
 * One endpoint's delivery state, as {@code GET /v1/notifications/endpoints} shows it (never its secret).
 *
 * @param name the endpoint's name
 * @param url where it receives
 * @param format standard or slack
 * @param events the notification types it takes
 * @param signed whether its requests carry a {@code webhook-signature}
 * @param delivered deliveries answered 2xx
 * @param retried failed attempts that were scheduled again
 * @param failed deliveries given up (dead-lettered)
 * @param consecutiveFailures failed attempts since the last success
 * @param waiting events queued, in flight or waiting for a retry
 * @param lastSuccess when it last answered 2xx (null: never, since start)
 * @param lastError what went wrong last (status or error, never a body or a secret)
 */
public record EndpointState(
        String name,
        String url,
        String format,
        List<String> events,
        boolean signed,
        long delivered,
        long retried,
        long failed,
        int consecutiveFailures,
        int waiting,
        Instant lastSuccess,
        String lastError) {}
