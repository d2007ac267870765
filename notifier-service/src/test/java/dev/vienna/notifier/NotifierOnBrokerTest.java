package dev.vienna.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.AgentChange;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.Tier;
import dev.vienna.events.Topics;
import dev.vienna.events.VerdictOutcome;
import dev.vienna.kafka.local.KafkaCredentials;
import dev.vienna.platform.streams.DeadLetterProcessingHandler;
import dev.vienna.platform.streams.DeadLetterProductionHandler;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The notifier on a real KRaft broker with SASL/SCRAM and ACLs, as its own principal: its topology and its delivery
 * loop, audit records in, signed webhooks out to receivers on loopback that verify every signature. Also shows that a
 * dead or hanging receiver does not delay a healthy one, a failing one gets every event with one webhook id across its
 * attempts, and a restarted notifier carries on with unfinished deliveries and the expiring timer.
 */
class NotifierOnBrokerTest {

    private static final byte[] KEY = WebhookSigner.keyOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private static final IntUnaryOperator OK = attempt -> 204;
    private static final IntUnaryOperator FAILS_THRICE = attempt -> attempt <= 3 ? 503 : 200;

    private final KafkaProbe probe = KafkaBrokerResource.probe();
    private final String bootstrap = KafkaBrokerResource.broker().bootstrapServers();
    private final KafkaCredentials notifier = KafkaBrokerResource.credentials(NotificationTopology.SERVICE);
    private final AuditFixtures fixtures = new AuditFixtures();
    private final List<AutoCloseable> open = new java.util.ArrayList<>();

    private KafkaStreams streams;
    private DeliveryLoop loop;

    @AfterEach
    void stop() throws Exception {
        stopNotifier();
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static final NotificationSettings SETTINGS = new NotificationSettings(
            Duration.ofMinutes(10), 0.25, tier -> Duration.ofHours(1), Duration.ofMillis(200), Duration.ofHours(1));

    private static final DeliverySettings DELIVERY = new DeliverySettings(
            Duration.ofMillis(200),
            Duration.ofSeconds(1),
            Duration.ofHours(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            4,
            10_000,
            65_536,
            URI.create("http://console.test"));

    private void startNotifier(List<WebhookEndpoint> endpoints) throws IOException, InterruptedException {
        Map<String, Object> kafka = notifier.clientConfig(bootstrap);
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "vienna-notifier");
        config.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory("notifier-state-").toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        config.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class);
        config.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
        config.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 500);
        streams = new KafkaStreams(
                NotificationTopology.buildTopology(SETTINGS, RecordTracing.off()), new StreamsConfig(config));
        streams.start();
        ProducedDeadLetters deadLetters = new ProducedDeadLetters(kafka);
        open.add(deadLetters);
        loop = new DeliveryLoop(kafka, "notifier-test", endpoints, DELIVERY, deadLetters, Clock.systemUTC());
        loop.start();
        await("the topology runs", Duration.ofSeconds(60), () -> streams.state() == KafkaStreams.State.RUNNING);
        await("the delivery loop reads", Duration.ofSeconds(60), loop::assigned);
    }

    private void stopNotifier() {
        if (loop != null) {
            loop.close();
            loop = null;
        }
        if (streams != null) {
            streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(10)));
            streams = null;
        }
    }

    private WebhookReceiver receiver(IntUnaryOperator answer) throws IOException {
        WebhookReceiver receiver = new WebhookReceiver(KEY, answer);
        open.add(receiver);
        return receiver;
    }

    private static WebhookEndpoint endpoint(String name, URI url, WebhookEndpoint.Format format) {
        return new WebhookEndpoint(name, url, KEY, EnumSet.allOf(NotificationKind.class), format);
    }

    /** The deliveries of one test's events: notifications of earlier tests may be delivered again (at least once). */
    private static Map<String, WebhookReceiver.Received> ofRun(
            Map<String, WebhookReceiver.Received> delivered, String run) {
        Map<String, WebhookReceiver.Received> ours = new HashMap<>(delivered);
        ours.values().removeIf(r -> !new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).contains(run));
        return ours;
    }

    private void publish(AuditRecord record) {
        probe.send(Topics.AUDIT, record.getRecordId(), record);
    }

    @Test
    void shouldDeliverEveryKindSignedToEveryReceiverWhileADeadAndAHangingOneGetNowhere() throws Exception {
        // given: a healthy receiver, one that fails each event's first three attempts, a Slack one, one that never
        // answers and one whose port is closed
        WebhookReceiver healthy = receiver(OK);
        WebhookReceiver flaky = receiver(FAILS_THRICE);
        WebhookReceiver slack = receiver(OK);
        WebhookReceiver hanging = receiver(attempt -> 0);
        URI closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
        }
        startNotifier(List.of(
                endpoint("hanging", hanging.url(), WebhookEndpoint.Format.STANDARD),
                endpoint("dead", closedPort, WebhookEndpoint.Format.STANDARD),
                endpoint("healthy", healthy.url(), WebhookEndpoint.Format.STANDARD),
                endpoint("flaky", flaky.url(), WebhookEndpoint.Format.STANDARD),
                endpoint("slack", slack.url(), WebhookEndpoint.Format.SLACK)));

        // when the audit log records a held T3 intent that runs out of time (8 s: warned 2 s before), a violation, a
        // suspension, and a T2 intent approved by operators
        Instant now = Instant.now();
        String run = Long.toString(System.nanoTime(), 36);
        AuditRecord held = fixtures.held("held-" + run, Tier.T3, now, "PT8S");
        publish(held);
        publish(fixtures.verdict("violated-" + run, VerdictOutcome.VIOLATION, now));
        publish(fixtures.agentChanged("agent-" + run, AgentChange.SUSPENDED, now));
        publish(fixtures.held("approved-" + run, Tier.T2, now, null));
        publish(fixtures.decided("approved-" + run, Tier.T2, ApprovalOutcome.APPROVED, false, now));

        // then the healthy receiver has the first five within seconds, although the hanging receiver holds each
        // request for 5 s and the dead one refuses every connection
        await(
                "five events at the healthy receiver",
                Duration.ofSeconds(4),
                () -> ofRun(healthy.delivered(OK), run).size() >= 5);
        assertThat(ofRun(
                        Map.copyOf(hanging.received().stream()
                                .collect(Collectors.toMap(WebhookReceiver.Received::id, r -> r, (a, b) -> a))),
                        run))
                .as("requests the hanging receiver holds meanwhile")
                .isNotEmpty();
        // ... and the expiring warning about 6 s after the policy decision, once
        await(
                "the expiring warning",
                Duration.ofSeconds(20),
                () -> ofRun(healthy.delivered(OK), run).size() >= 6);
        Map<String, WebhookReceiver.Received> delivered = ofRun(healthy.delivered(OK), run);
        assertThat(delivered.values())
                .extracting(r -> r.json().get("type").asText())
                .containsExactlyInAnyOrder(
                        "approval.pending",
                        "execution.violation",
                        "agent.suspended",
                        "approval.pending",
                        "approval.decided",
                        "approval.expiring");
        WebhookReceiver.Received expiring = delivered.values().stream()
                .filter(r -> r.json().get("type").asText().equals("approval.expiring"))
                .findFirst()
                .orElseThrow();
        assertThat(expiring.id())
                .isEqualTo(Notification.idOf(held.getRecordId(), held.getHash(), NotificationKind.APPROVAL_EXPIRING));
        assertThat(expiring.json().at("/data/intentId").asText()).isEqualTo("held-" + run);
        assertThat(Duration.between(now, expiring.at())).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(8));
        assertThat(healthy.refused())
                .as("requests whose signature did not verify")
                .isEmpty();
        assertThat(healthy.received().stream().filter(r -> delivered.containsKey(r.id())))
                .as("each delivered once")
                .hasSize(6);

        // and the flaky receiver gets each of them too, every attempt of an event under the same webhook id
        await(
                "six events at the flaky receiver",
                Duration.ofSeconds(30),
                () -> flaky.delivered(FAILS_THRICE).keySet().containsAll(delivered.keySet()));
        for (String id : delivered.keySet()) {
            assertThat(flaky.attemptsOf(id)).as("attempts of %s", id).isEqualTo(4);
            assertThat(flaky.received().stream().filter(r -> r.id().equals(id)).map(r -> new String(r.body())))
                    .as("the same body on every attempt")
                    .containsOnly(new String(delivered.get(id).body()));
        }
        assertThat(flaky.refused()).isEmpty();

        // and the Slack receiver a signed message linking to each intent in the console
        await(
                "six Slack messages",
                Duration.ofSeconds(10),
                () -> slack.delivered(OK).keySet().containsAll(delivered.keySet()));
        assertThat(slack.refused()).isEmpty();
        WebhookReceiver.Received message = slack.delivered(OK).get(expiring.id());
        assertThat(message.json().get("text").asText())
                .startsWith("Approval expiring in")
                .contains("http://console.test/intents/held-" + run);
        assertThat(message.json().get("blocks").isArray()).isTrue();

        // and the endpoints' state says it
        Map<String, EndpointState> states =
                loop.states().stream().collect(Collectors.toMap(EndpointState::name, s -> s));
        assertThat(states.get("healthy").delivered()).isGreaterThanOrEqualTo(6);
        assertThat(states.get("flaky").retried()).isGreaterThanOrEqualTo(18);
        assertThat(states.get("dead").delivered()).isZero();
        assertThat(states.get("dead").consecutiveFailures()).isPositive();
        assertThat(states.get("dead").waiting()).isGreaterThanOrEqualTo(6);
        assertThat(states.get("dead").lastError()).contains("ConnectException");
    }

    @Test
    void shouldCarryOnWithUnfinishedDeliveriesAndTheExpiringTimerAfterARestart() throws Exception {
        // given a receiver that refuses everything until it is let through, and a healthy one
        AtomicBoolean open = new AtomicBoolean(false);
        WebhookReceiver gated = receiver(attempt -> open.get() ? 200 : 503);
        WebhookReceiver healthy = receiver(OK);
        List<WebhookEndpoint> endpoints = List.of(
                endpoint("gated", gated.url(), WebhookEndpoint.Format.STANDARD),
                endpoint("healthy", healthy.url(), WebhookEndpoint.Format.STANDARD));
        startNotifier(endpoints);
        Instant now = Instant.now();
        String run = Long.toString(System.nanoTime(), 36);
        AuditRecord violation = fixtures.verdict("violated-" + run, VerdictOutcome.VIOLATION, now);
        AuditRecord held = fixtures.held("held-" + run, Tier.T2, now, "PT24S"); // warned 6 s before: 18 s in
        publish(violation);
        publish(held);
        String violationId =
                Notification.idOf(violation.getRecordId(), violation.getHash(), NotificationKind.EXECUTION_VIOLATION);
        String pendingId = Notification.idOf(held.getRecordId(), held.getHash(), NotificationKind.APPROVAL_PENDING);
        await(
                "both at the healthy receiver",
                Duration.ofSeconds(10),
                () -> healthy.delivered(OK).keySet().containsAll(Set.of(violationId, pendingId)));
        await("attempts at the gated receiver", Duration.ofSeconds(10), () -> gated.attemptsOf(violationId) >= 2);

        // when the notifier stops (its Streams state gone with it) and starts again, and the receiver is let through
        stopNotifier();
        int attemptsBefore = gated.attemptsOf(violationId);
        open.set(true);
        startNotifier(endpoints);

        // then the unfinished delivery is made, under the webhook id of the attempts before the restart
        await(
                "the violation at the gated receiver",
                Duration.ofSeconds(30),
                () -> gated.delivered(attempt -> 200).containsKey(violationId)
                        && gated.attemptsOf(violationId) > attemptsBefore);
        assertThat(gated.received().stream().map(WebhookReceiver.Received::id).filter(violationId::equals))
                .hasSizeGreaterThan(attemptsBefore);
        assertThat(gated.refused()).isEmpty();
        // and the held intent is still remembered: its warning comes once, on time, after the restart
        String expiringId = Notification.idOf(held.getRecordId(), held.getHash(), NotificationKind.APPROVAL_EXPIRING);
        await(
                "the expiring warning after the restart",
                Duration.ofSeconds(40),
                () -> healthy.delivered(OK).containsKey(expiringId));
        Duration warnedAfter =
                Duration.between(now, healthy.delivered(OK).get(expiringId).at());
        assertThat(warnedAfter).isBetween(Duration.ofSeconds(17), Duration.ofSeconds(24));
        assertThat(healthy.received().stream().filter(r -> r.id().equals(expiringId)))
                .hasSize(1);
        assertThat(Set.copyOf(healthy.delivered(OK).keySet())).contains(violationId, expiringId);
    }

    @Test
    void shouldDeadLetterAnUndecodableNotificationWithTheReason() throws Exception {
        WebhookReceiver healthy = receiver(OK);
        startNotifier(List.of(endpoint("healthy", healthy.url(), WebhookEndpoint.Format.STANDARD)));
        String key = "msg_garbage_" + System.nanoTime();

        probe.sendRaw(Topics.NOTIFICATIONS, key.getBytes(), "not json".getBytes(), new RecordHeaders());

        assertThat(probe.deadLetterReason(key, Duration.ofSeconds(20))).startsWith("undecodable notification");
        assertThat(healthy.received()).noneMatch(r -> key.equals(r.id()));
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        Awaitility.await(what)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    /** Dead letters as the notifier's own principal, acknowledged before they count. */
    private static final class ProducedDeadLetters implements DeadLetters, AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;

        ProducedDeadLetters(Map<String, Object> kafka) {
            Map<String, Object> config = new HashMap<>(kafka);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public void deadLetter(
                String key, byte[] value, String reason, String sourceTopic, int partition, long offset) {
            RecordHeaders headers = new RecordHeaders();
            DeadLetterHeaders.describe(
                    headers,
                    reason,
                    NotificationTopology.SERVICE,
                    sourceTopic,
                    partition,
                    offset,
                    System.currentTimeMillis());
            try {
                producer.send(new ProducerRecord<>(Topics.DEAD_LETTER.name(), null, key, value, headers))
                        .get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
