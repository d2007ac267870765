package dev.vienna.executor;

import dev.vienna.events.DeadLetterHeaders;
import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.events.WarrantIssued;
import dev.vienna.handlers.ActionDispatcher;
import dev.vienna.platform.ReliableProducers;
import dev.vienna.platform.security.Agents;
import dev.vienna.platform.tracing.RecordTracing;
import dev.vienna.sdk.kafka.claims.ClaimLedger;
import dev.vienna.sdk.kafka.revocation.RevocationListener;
import dev.vienna.sdk.warrant.JwksKeyResolver;
import dev.vienna.sdk.warrant.RevocationList;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import dev.vienna.sdk.warrant.WarrantVerifier;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Consumes {@code warrants}, executes the DIRECT ones ({@link WarrantExecution}) and publishes the result to
 * {@code executions}; PASSBACK warrants belong to their agents and are skipped. Undecodable records go to
 * {@code dead-letter} with the reason.
 *
 * <p>Actions run concurrently on the handlers' bounded pools while the loop goes on polling, so a slow action holds up
 * no other; at most {@code vienna.executor.max-in-flight} warrants are in flight (beyond that the partitions pause). A
 * partition's offset is committed only up to its oldest warrant whose report is not yet acknowledged, so no result is
 * lost on a crash. Each warrant runs only after this executor won its claim on {@code warrant-claims}
 * ({@link ClaimLedger}: first claim in the log wins, read back before running), so a warrant runs at most once across
 * instances, rebalances and restarts: a crash between claim and report leaves the warrant unrun or half run, never run
 * twice. Revocations on {@code warrant-revocations} are followed and refused within a second, and a suspended agent's
 * warrants are refused from the registry; no warrant is consumed before the revocations, the registry and the claims
 * were read to their end, and none while one of them is no longer followed. A raw Kafka consumer and producer rather
 * than SmallRye messaging: per-partition commits of out-of-order completions, and pausing on the followers' health, are
 * not what the channel model expresses.
 *
 * <p>Traced: each DIRECT warrant is run in a span ({@value #SPAN}, kind CONSUMER) that is the child of the context in
 * the warrant record's {@code traceparent} and lasts from its consumption to its report's acknowledgement
 * (verification, the wait for a slot, the claim, the action); its claim on {@code warrant-claims} and its report on
 * {@code executions} carry that span's context.
 */
@ApplicationScoped
public class WarrantConsumer {

    private static final Logger LOG = Logger.getLogger(WarrantConsumer.class);
    private static final String SERVICE = "executor-service";
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    static final String SPAN = SERVICE + " process warrants";
    private static final AttributeKey<String> WARRANT_ID = AttributeKey.stringKey("vienna.warrant.id");
    private static final AttributeKey<String> ACTION = AttributeKey.stringKey("vienna.action");
    private static final AttributeKey<String> STATUS = AttributeKey.stringKey("vienna.execution.status");

    @Inject
    ExecutorConfig config;

    @Inject
    ExecutorActions actions;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    Agents agents;

    @Inject
    RecordTracing tracing;

    /** The trace context of each warrant in flight, by warrant id: its claim carries it. */
    private final Map<String, Context> traces = new ConcurrentHashMap<>();

    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean assigned;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private RevocationListener revocationListener;
    private ClaimLedger ledger;
    private ActionDispatcher dispatcher;
    private Thread thread;

    /** Warrants consumed and not yet finished (reported and acknowledged, or skipped), per partition by offset. */
    private final Map<TopicPartition, TreeMap<Long, CompletableFuture<?>>> inFlight = new HashMap<>();

    void start(@Observes StartupEvent event) {
        Clock clock = Clock.systemUTC();
        revocationListener = new RevocationListener(kafka);
        ledger = new ClaimLedger(kafka, config.id(), clock, Duration.ofSeconds(30));
        WarrantVerifier verifier = new WarrantVerifier(
                verificationKeys(clock),
                clock,
                config.clockSkew(),
                revocationListener.revocations(),
                WarrantVerifier.SingleUse.NOT_TRACKED);
        dispatcher = new ActionDispatcher(actions.catalog(), clock);
        WarrantExecution execution = new WarrantExecution(
                verifier,
                config.audience(),
                actions.catalog(),
                dispatcher,
                claims -> claim(claims, clock),
                config.id(),
                clock,
                agents.registry()::whyNotActive);
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

    private CompletableFuture<Boolean> claim(WarrantClaims claims, Clock clock) {
        WarrantClaimed claimed = WarrantClaimed.newBuilder()
                .setEventId(EventIds.of(claims.warrantId(), "claimed"))
                .setIntentId(claims.intentId())
                .setTenantId(claims.tenantId())
                .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .setWarrantId(claims.warrantId())
                .setExecutorId(config.id())
                .setExpiresAt(claims.expiresAt())
                .build();
        Context trace = traces.getOrDefault(claims.warrantId(), Context.root());
        return ledger.claim(claimed, tracing.headers(trace)).thenApply(outcome -> {
            Span.fromContext(trace).addEvent(outcome.won() ? "claim won" : "claim lost");
            if (!outcome.won()) {
                LOG.infof(
                        "warrant %s was claimed first by %s at %s: not run here",
                        claims.warrantId(),
                        outcome.first() == null
                                ? "another claimant"
                                : outcome.first().claimant(),
                        outcome.first() == null ? "?" : outcome.first().claimedAt());
            }
            return outcome.won();
        });
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

    private void run(
            KafkaConsumer<String, byte[]> consumer,
            WarrantExecution execution,
            KafkaProducer<String, byte[]> producer) {
        var warrants = Topics.WARRANTS.valueSerde();
        var executions = Topics.EXECUTIONS.valueSerde();
        try (consumer;
                producer) {
            // no warrant is judged before the revocations, the registry and the claims there are have been read
            while (running.get()
                    && !(revocationListener.awaitCaughtUp(Duration.ofSeconds(5))
                            && agents.registry().awaitCaughtUp(Duration.ofSeconds(5))
                            && ledger.awaitCaughtUp(Duration.ofSeconds(5)))) {
                LOG.warn("waiting for warrant-revocations, agents and warrant-claims to be read before consuming"
                        + " warrants");
            }
            consumer.subscribe(List.of(Topics.WARRANTS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commitFinished(consumer, partitions);
                    partitions.forEach(inFlight::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    partitions.forEach(inFlight::remove);
                }
            });
            boolean followedBefore = true;
            long committedAt = 0;
            while (running.get()) {
                // a verifier whose revocations, registry or claims may be behind judges nothing: it holds its
                // partitions (polling keeps it in the group) but takes no warrant until all are followed again
                boolean followed = followed();
                if (followed != followedBefore) {
                    if (followed) {
                        LOG.info("warrant-revocations, agents and warrant-claims are followed again: consuming");
                    } else {
                        LOG.error(
                                "warrant-revocations, agents or warrant-claims are no longer followed: warrants wait");
                    }
                    followedBefore = followed;
                }
                if (!followed || inFlightCount() >= config.maxInFlight()) {
                    consumer.pause(consumer.assignment());
                } else if (!consumer.paused().isEmpty()) {
                    consumer.resume(consumer.paused());
                }
                var records = consumer.poll(Duration.ofMillis(20));
                assigned = !consumer.assignment().isEmpty();
                for (ConsumerRecord<String, byte[]> record : records) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    CompletableFuture<?> finished;
                    WarrantIssued warrant;
                    try {
                        warrant = warrants.deserializer().deserialize(record.topic(), record.value());
                    } catch (RuntimeException e) {
                        finished = send(producer, deadLetter(record, e.getMessage()));
                        inFlight.computeIfAbsent(partition, p -> new TreeMap<>())
                                .put(record.offset(), finished);
                        continue;
                    }
                    if (warrant.getMode() != ExecutionMode.DIRECT) {
                        finished = CompletableFuture.completedFuture(null);
                    } else {
                        finished = executeTraced(record, warrant, execution, producer, executions);
                    }
                    inFlight.computeIfAbsent(partition, p -> new TreeMap<>()).put(record.offset(), finished);
                }
                long now = System.nanoTime();
                if (now - committedAt >= COMMIT_INTERVAL.toNanos()) {
                    commitFinished(consumer, List.copyOf(inFlight.keySet()));
                    committedAt = now;
                }
            }
            // a clean stop: what is in flight may finish and be committed, for a while
            CompletableFuture.allOf(inFlight.values().stream()
                            .flatMap(p -> p.values().stream())
                            .toArray(CompletableFuture[]::new))
                    .handle((ok, error) -> null)
                    .get(5, TimeUnit.SECONDS);
            commitFinished(consumer, List.copyOf(inFlight.keySet()));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("stopped with warrants still in flight; their offsets stay uncommitted: " + e);
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

    /**
     * Executes one DIRECT warrant in its span (child of the warrant record's trace context) and publishes its report
     * carrying the span's context; the span ends when the report is acknowledged, or the warrant could not finish.
     */
    private CompletableFuture<Void> executeTraced(
            ConsumerRecord<String, byte[]> record,
            WarrantIssued warrant,
            WarrantExecution execution,
            KafkaProducer<String, byte[]> producer,
            org.apache.kafka.common.serialization.Serde<ExecutionReported> executions) {
        Context trace = tracing.startProcessing(
                SPAN, record.headers(), record.topic(), record.partition(), record.offset(), record.key());
        Span span = Span.fromContext(trace)
                .setAttribute(WARRANT_ID, warrant.getWarrantId())
                .setAttribute(ACTION, warrant.getAction());
        traces.put(warrant.getWarrantId(), trace);
        CompletableFuture<Void> finished = execution.execute(warrant).thenCompose(report -> {
            if (report.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            span.setAttribute(STATUS, report.get().getStatus().name());
            return send(producer, executionRecord(executions, report.get(), tracing.headers(trace)));
        });
        finished.whenComplete((done, error) -> {
            traces.remove(warrant.getWarrantId(), trace);
            if (error != null) {
                span.recordException(error);
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        });
        return finished;
    }

    private static ProducerRecord<String, byte[]> executionRecord(
            org.apache.kafka.common.serialization.Serde<ExecutionReported> serde,
            ExecutionReported report,
            Headers headers) {
        return new ProducerRecord<>(
                Topics.EXECUTIONS.name(),
                null,
                report.getIntentId(),
                serde.serializer().serialize(Topics.EXECUTIONS.name(), report),
                headers);
    }

    private int inFlightCount() {
        int count = 0;
        for (TreeMap<Long, CompletableFuture<?>> partition : inFlight.values()) {
            count += partition.size();
        }
        return count;
    }

    /**
     * Commits, for each partition, the offset after its longest run of finished warrants from the oldest; throws when
     * one of them failed (a report or dead letter not acknowledged, a claim not decided): its offset and every later
     * one stay uncommitted and the loop stops, so the warrant is consumed again by whoever takes the partition.
     */
    private void commitFinished(KafkaConsumer<String, byte[]> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            TreeMap<Long, CompletableFuture<?>> pending = inFlight.get(partition);
            if (pending == null) {
                continue;
            }
            Long next = null;
            while (!pending.isEmpty() && pending.firstEntry().getValue().isDone()) {
                var oldest = pending.firstEntry();
                if (oldest.getValue().isCompletedExceptionally()) {
                    if (!offsets.isEmpty()) {
                        consumer.commitSync(offsets);
                    }
                    throw new IllegalStateException("warrant at " + partition + "@" + oldest.getKey()
                            + " did not finish: " + failure(oldest.getValue()) + "; its offset stays uncommitted");
                }
                next = oldest.getKey() + 1;
                pending.pollFirstEntry();
            }
            if (next != null) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    private static String failure(CompletableFuture<?> future) {
        try {
            future.join();
            return "no failure";
        } catch (RuntimeException e) {
            return e.getCause() == null ? e.toString() : e.getCause().toString();
        }
    }

    private static CompletableFuture<Void> send(
            KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                acknowledged.complete(null);
            } else {
                acknowledged.completeExceptionally(error);
            }
        });
        return acknowledged;
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
     * True while the loop runs and holds partitions, and the revocations and claims are read to their end and still
     * followed: a verifier that may be behind on revocations is not ready (and its loop takes no warrant meanwhile).
     */
    public boolean ready() {
        return running.get()
                && assigned
                && revocationListener != null
                && revocationListener.caughtUp()
                && revocationListener.healthy()
                && ledger.caughtUp()
                && ledger.healthy();
    }

    /** Whether the revocations, the agent registry and the claims are read to their end and still followed. */
    private boolean followed() {
        return revocationListener.caughtUp()
                && revocationListener.healthy()
                && agents.registry().caughtUp()
                && agents.registry().healthy()
                && ledger.caughtUp()
                && ledger.healthy();
    }

    /** The revocations this executor follows on {@code warrant-revocations}. */
    RevocationList revocations() {
        return revocationListener.revocations();
    }

    /** The claims this executor follows on {@code warrant-claims}. */
    ClaimLedger ledger() {
        return ledger;
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (running.compareAndSet(true, false)) {
            consumer.wakeup();
            thread.join(Duration.ofSeconds(10).toMillis());
        }
        dispatcher.close();
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
        config.groupInstanceId().ifPresent(id -> c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        return c;
    }
}
