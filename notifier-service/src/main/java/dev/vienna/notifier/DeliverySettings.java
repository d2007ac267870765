package dev.vienna.notifier;

import java.net.URI;
import java.time.Duration;

/** How notifications are delivered: {@link NotifierConfig.Delivery} and the console's address, as a value. */
public record DeliverySettings(
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxAge,
        Duration connectTimeout,
        Duration requestTimeout,
        int concurrency,
        int maxWaiting,
        int maxBodyBytes,
        URI consoleUrl) {

    public static DeliverySettings of(NotifierConfig config) {
        NotifierConfig.Delivery d = config.delivery();
        return new DeliverySettings(
                d.initialBackoff(),
                d.maxBackoff(),
                d.maxAge(),
                d.connectTimeout(),
                d.requestTimeout(),
                d.concurrency(),
                d.maxWaiting(),
                d.maxBodyBytes(),
                config.consoleUrl());
    }

    /**
     * The wait after failed attempt {@code attempt} (1 for the first): {@code initialBackoff} doubled per attempt up to
     * {@code maxBackoff}, then jittered to between half and all of it ({@code random} in [0, 1)), so receivers that
     * come back are not hit by every sender at once.
     */
    public Duration backoff(int attempt, double random) {
        long base = initialBackoff.toMillis();
        long cap = maxBackoff.toMillis();
        long delay = attempt >= 31 ? cap : Math.min(cap, base << Math.max(0, attempt - 1));
        return Duration.ofMillis(delay / 2 + (long) (delay / 2.0 * random));
    }
}
