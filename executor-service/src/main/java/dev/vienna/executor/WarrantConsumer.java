package dev.vienna.executor;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.platform.ReliableProducers;
import dev.vienna.platform.security.Agents;
import dev.vienna.sdk.kafka.revocation.RevocationListener;
import dev.vienna.sdk.warrant.JwksKeyResolver;
import dev.vienna.sdk.warrant.RevocationList;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import dev.vienna.sdk.warrant.WarrantVerifier;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Consumes {@code warrants}, executes the DIRECT ones ({@link WarrantExecution}) and publishes the result to
 * {@code executions}; PASSBACK warrants belong to their agents and are skipped. Undecodable records go to
 * {@code dead-letter} with the reason. Offsets are committed only after every result of a batch was acknowledged, so no
 * result is lost on a crash; a warrant id is durably claimed on {@code warrant-claims} before it runs, so a replay is
 * refused, across restarts too (at most once: a crash between claim and report leaves the warrant unrun, never run
 * twice); revocations on {@code warrant-revocations} are followed and refused within a second, and a suspended agent's
 * warrants are refused from the registry. No warrant is consumed before both were read to their end. A raw Kafka
 * consumer and producer rather than SmallRye messaging: each poll batch is claimed, its claims awaited, its actions run
 * and their results awaited before its offsets are committed, an ordering across records the channel model does not
 * express.
 */
@ApplicationScoped
public class WarrantConsumer {

    private static final Logger LOG = Logger.getLogger(WarrantConsumer.class);
    private static final String SERVICE = "executor-service";

    @Inject
    ExecutorConfig config;

    @Inject
    Instance<Handler> handlers;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    Agents agents;

    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean assigned;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private RevocationListener revocationListener;
    private WarrantClaimLedger ledger;
    private Thread thread;

    void start(@Observes StartupEvent event) {
        Clock clock = Clock.systemUTC();
        revocationListener = new RevocationListener(kafka);
        ledger = WarrantClaimLedger.load(kafka, config.id(), clock);
        WarrantVerifier verifier = new WarrantVerifier(
                verificationKeys(clock), clock, config.clockSkew(), revocationListener.revocations(), ledger);
        WarrantExecution execution = new WarrantExecution(
                verifier, config.audience(), handlersByAction(), config.id(), clock, agents.registry()::whyNotActive);
        consumer = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                ReliableProducers.config(kafka, config.id() + "-producer"),
                new StringSerializer(),
                new ByteArraySerializer());
        running.set(true);
        KafkaConsumer<String, byte[]> subscribed = consumer;
        thread = new Thread(() -> run(subscribed, execution, producer), "warrant-consumer");
        thread.start();
    }

    /** Pinned keys first, then the published JWKS; neither configured is a start-up error. */
    private WarrantVerifier.KeyResolver verificationKeys(Clock clock) {
        Optional<WarrantKeyRing> pinned = config.keyDir().map(dir -> WarrantKeyRing.load(dir, null));
        Optional<JwksKeyResolver> published = config.jwksUrl()
                .map(url -> new JwksKeyResolver(url, Duration.ofSeconds(5), Duration.ofMinutes(5), clock));
        if (pinned.isEmpty() && published.isEmpty()) {
            throw new IllegalStateException(
                    "set vienna.executor.jwks-url or vienna.executor.key-dir: warrants cannot be verified without keys");
        }
        return keyId ->
                pinned.flatMap(ring -> ring.resolve(keyId)).or(() -> published.flatMap(jwks -> jwks.resolve(keyId)));
    }

    private Map<String, Handler> handlersByAction() {
        Map<String, Handler> byName = new HashMap<>();
        handlers.forEach(h -> byName.put(h.name(), h));
        Map<String, Handler> byAction = new HashMap<>();
        config.handlers().forEach((action, name) -> {
            Handler handler = byName.get(name);
            if (handler == null) {
                throw new IllegalStateException("vienna.executor.handlers." + action + " names unknown handler '" + name
                        + "'; known: " + byName.keySet());
            }
            byAction.put(action, handler);
        });
        return byAction;
    }

    private void run(
            KafkaConsumer<String, byte[]> consumer,
            WarrantExecution execution,
            KafkaProducer<String, byte[]> producer) {
        var warrants = Topics.WARRANTS.valueSerde();
        var executions = Topics.EXECUTIONS.valueSerde();
        try (consumer;
                producer) {
            // no warrant is judged before the revocations and the registry there are have been read
            while (running.get()
                    && !(revocationListener.awaitCaughtUp(Duration.ofSeconds(5))
                            && agents.registry().awaitCaughtUp(Duration.ofSeconds(5)))) {
                LOG.warn("waiting for warrant-revocations and agents to be read before consuming warrants");
            }
            consumer.subscribe(List.of(Topics.WARRANTS.name()));
            boolean paused = false;
            while (running.get()) {
                // a verifier whose revocations or registry may be behind judges nothing: it holds its partitions
                // (polling keeps it in the group) but takes no warrant until both are followed again
                boolean followed = followed();
                if (followed == paused) {
                    if (followed) {
                        consumer.resume(consumer.paused());
                        LOG.info("warrant-revocations and agents are followed again: consuming warrants");
                    } else {
                        LOG.error("warrant-revocations or agents are no longer followed: warrants wait");
                    }
                    paused = !followed;
                }
                if (paused) {
                    consumer.pause(consumer.assignment());
                }
                var records = consumer.poll(Duration.ofMillis(500));
                assigned = !consumer.assignment().isEmpty();
                if (records.isEmpty()) {
                    continue;
                }
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                List<WarrantExecution.Admitted> admitted = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : records) {
                    WarrantIssued warrant;
                    try {
                        warrant = warrants.deserializer().deserialize(record.topic(), record.value());
                    } catch (RuntimeException e) {
                        sent.add(producer.send(deadLetter(record, e.getMessage())));
                        continue;
                    }
                    if (warrant.getMode() == ExecutionMode.DIRECT) {
                        admitted.add(execution.admit(warrant));
                    }
                }
                // every claim of the batch is durable before any of its actions runs
                ledger.awaitClaims();
                for (WarrantExecution.Admitted warrant : admitted) {
                    ExecutionReported result = warrant.run();
                    sent.add(producer.send(new ProducerRecord<>(
                            Topics.EXECUTIONS.name(),
                            result.getIntentId(),
                            executions.serializer().serialize(Topics.EXECUTIONS.name(), result))));
                }
                awaitAcknowledged(sent);
                consumer.commitSync();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.error("executor consumer woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("executor consumer stopped; the service is no longer ready", e);
        } finally {
            running.set(false);
            assigned = false;
        }
    }

    /** Throws if any result was not acknowledged: the batch's offsets must then not be committed. */
    private static void awaitAcknowledged(List<Future<RecordMetadata>> sent) {
        for (Future<RecordMetadata> future : sent) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "a result was not acknowledged; offsets stay uncommitted", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while awaiting acknowledgements", e);
            }
        }
    }

    private static ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        var dead =
                new ProducerRecord<>(Topics.DEAD_LETTER.name(), null, record.key(), record.value(), record.headers());
        DeadLetterHeaders.describe(
                dead.headers(),
                reason,
                SERVICE,
                record.topic(),
                record.partition(),
                record.offset(),
                System.currentTimeMillis());
        return dead;
    }

    /** True while the loop runs. */
    public boolean running() {
        return running.get();
    }

    /**
     * True while the loop runs and holds partitions, and the revocations are read to their end and still followed: a
     * verifier that may be behind on revocations is not ready (and its loop takes no warrant meanwhile).
     */
    public boolean ready() {
        return running.get()
                && assigned
                && revocationListener != null
                && revocationListener.caughtUp()
                && revocationListener.healthy();
    }

    /** Whether the revocations and the agent registry are both read to their end and still followed. */
    private boolean followed() {
        return revocationListener.caughtUp()
                && revocationListener.healthy()
                && agents.registry().caughtUp()
                && agents.registry().healthy();
    }

    /** The revocations this executor follows on {@code warrant-revocations}. */
    RevocationList revocations() {
        return revocationListener.revocations();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (running.compareAndSet(true, false)) {
            consumer.wakeup();
            thread.join(Duration.ofSeconds(10).toMillis());
        }
        revocationListener.close();
        ledger.close();
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, config.id() + "-consumer");
        return c;
    }
}
