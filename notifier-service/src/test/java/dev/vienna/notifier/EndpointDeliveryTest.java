package dev.vienna.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class EndpointDeliveryTest {

    private static final byte[] KEY = WebhookSigner.keyOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    private record DeadLetter(String key, String reason, String topic, int partition, long offset) {}

    private static DeliverySettings settings(Duration maxAge) {
        return new DeliverySettings(
                Duration.ofMillis(100),
                Duration.ofMillis(400),
                maxAge,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                4,
                10_000,
                65_536,
                URI.create("http://console.test"));
    }

    private static Notification notification(String id) {
        return new Notification(
                id,
                NotificationKind.AGENT_SUSPENDED,
                Instant.now(),
                Notification.JSON.createObjectNode().put("agentId", "a"));
    }

    @Test
    void shouldBackOffExponentiallyWithJitterUpToTheCap() {
        DeliverySettings s = new DeliverySettings(
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                Duration.ofHours(24),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                4,
                10,
                1000,
                URI.create("http://x"));

        assertThat(s.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(s.backoff(1, 0.999)).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
        assertThat(s.backoff(4, 0.999)).isBetween(Duration.ofMillis(7990), Duration.ofSeconds(8));
        assertThat(s.backoff(20, 0.999)).isBetween(Duration.ofMillis(299_000), Duration.ofMinutes(5));
        assertThat(s.backoff(100, 0.0)).isEqualTo(Duration.ofSeconds(150));
    }

    @Test
    void shouldGiveUpAfterTheMaxAgeAndDeadLetterTheEventWithTheReason() throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
        }
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        WebhookEndpoint endpoint = new WebhookEndpoint(
                "gone", closed, KEY, EnumSet.allOf(NotificationKind.class), WebhookEndpoint.Format.STANDARD);
        try (EndpointDelivery delivery = new EndpointDelivery(
                endpoint,
                settings(Duration.ofSeconds(1)),
                (key, value, reason, topic, partition, offset) ->
                        dead.add(new DeadLetter(key, reason, topic, partition, offset)),
                Clock.systemUTC())) {
            Notification n = notification("msg_gone");
            delivery.offer(new Delivery(n, n.body(), 2, 41, Instant.now(), finished::incrementAndGet));

            Awaitility.await("the delivery given up")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> finished.get() > 0);

            assertThat(finished).hasValue(1);
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.key()).isEqualTo("msg_gone");
                assertThat(d.topic()).isEqualTo(Topics.NOTIFICATIONS.name());
                assertThat(d.partition()).isEqualTo(2);
                assertThat(d.offset()).isEqualTo(41);
                assertThat(d.reason())
                        .startsWith("webhook gone: not delivered to endpoint gone within PT1S after ")
                        .contains("cannot connect (ConnectException");
            });
            EndpointState state = delivery.state();
            assertThat(state.failed()).isEqualTo(1);
            assertThat(state.delivered()).isZero();
            assertThat(state.retried()).isPositive();
            assertThat(state.waiting()).isZero();
        }
    }

    @Test
    void shouldDeadLetterAnEventFoundOlderThanTheMaxAgeWithoutTryingIt() {
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        WebhookEndpoint endpoint = new WebhookEndpoint(
                "late",
                URI.create("http://127.0.0.1:9/never"),
                KEY,
                EnumSet.allOf(NotificationKind.class),
                WebhookEndpoint.Format.STANDARD);
        AtomicInteger finished = new AtomicInteger();
        try (EndpointDelivery delivery = new EndpointDelivery(
                endpoint,
                settings(Duration.ofHours(24)),
                (key, value, reason, topic, partition, offset) ->
                        dead.add(new DeadLetter(key, reason, topic, partition, offset)),
                Clock.systemUTC())) {
            Notification n = notification("msg_old");
            delivery.offer(new Delivery(
                    n, n.body(), 0, 7, Instant.now().minus(Duration.ofHours(25)), finished::incrementAndGet));

            Instant deadline = Instant.now().plusSeconds(5);
            while (finished.get() == 0 && Instant.now().isBefore(deadline)) {
                Thread.onSpinWait();
            }
            assertThat(finished).hasValue(1);
            assertThat(dead)
                    .singleElement()
                    .satisfies(
                            d -> assertThat(d.reason()).contains("never delivered (the notifier was not delivering)"));
            assertThat(delivery.state().retried()).isZero();
        }
    }
}
