package dev.vienna.sdk.kafka.passback;

import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.ExecutionReportSubmitted;
import dev.vienna.events.PassbackFeedRecord;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.kafka.claims.ClaimLedger;
import dev.vienna.sdk.kafka.claims.ClaimLog;
import dev.vienna.sdk.kafka.events.WarrantEvents;
import dev.vienna.sdk.kafka.revocation.RevocationListener;
import dev.vienna.sdk.passback.PassbackExecutor.Action;
import dev.vienna.sdk.passback.PassbackExecutor.Result;
import dev.vienna.sdk.passback.PassbackRunner;
import dev.vienna.sdk.passback.PassbackRunner.ClaimAnswer;
import dev.vienna.sdk.warrant.RevocationList;
import dev.vienna.sdk.warrant.WarrantKey;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Runs an agent's PASSBACK warrants over Kafka, for Java agents with a Kafka principal
 * ({@code KafkaAccess.passbackAgent}): follows the agent's own feed {@code passback.<agentId>} (which intake-service
 * fills with the agent's warrants and their revocations, and which no other agent can read), and runs each warrant with
 * a {@link PassbackRunner}: verified offline, claimed on the feed itself (a {@link ClaimLog}: of all the agent's
 * instances the first claim in the log wins, across restarts too), run, and reported with a signed
 * {@link ExecutionReportSubmitted} on {@code execution-reports}, which intake-service checks like an HTTP report. A
 * warrant already claimed, expired or revoked when its turn comes is skipped. One thread runs the warrants in the
 * feed's order, once the feed has been read to the end it had at start.
 */
public final class KafkaPassbackExecutor implements AutoCloseable {

    private static final Duration DECIDE_TIMEOUT = Duration.ofSeconds(15);

    private final String agentId;
    private final String claimant;
    private final PassbackRunner runner;
    private final Clock clock;
    private final RevocationList revocations = new RevocationList();
    private final BlockingQueue<WarrantIssued> arrived = new LinkedBlockingQueue<>();
    private final ClaimLog<PassbackFeedRecord> feed;
    private final KafkaProducer<String, ExecutionReportSubmitted> reports;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread worker;
    private volatile Consumer<Result> listener = result -> {};

    /**
     * Starts following the feed and running its warrants.
     *
     * @param kafka client settings of the agent's Kafka principal
     * @param instanceId this instance's name among the agent's instances (its claims carry it)
     * @param agentKey the agent's registered Ed25519 key, private half included (its warrants are bound to it)
     * @param verifier checks warrants offline against the published keys
     */
    public KafkaPassbackExecutor(
            Map<String, Object> kafka,
            String agentId,
            String instanceId,
            WarrantKey agentKey,
            WarrantVerifier verifier,
            Action action,
            Clock clock) {
        this.agentId = agentId;
        this.claimant = "agent:" + agentId + "/" + instanceId;
        this.clock = clock;
        this.runner = new PassbackRunner(agentId, agentKey, verifier, action, clock);
        Map<String, Object> producer = new HashMap<>(kafka);
        producer.remove("group.id");
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, "agent-" + agentId + "-" + instanceId + "-reports");
        this.reports = new KafkaProducer<>(
                producer,
                Topics.EXECUTION_REPORTS.keySerde().serializer(),
                Topics.EXECUTION_REPORTS.valueSerde().serializer());
        this.feed = new ClaimLog<>(
                kafka,
                Topics.passbackFeed(agentId),
                PassbackFeedRecord::getClaim,
                claim -> PassbackFeedRecord.newBuilder().setClaim(claim).build(),
                this::read,
                "agent-" + agentId + "-" + instanceId,
                clock,
                Duration.ofSeconds(30));
        this.worker = new Thread(this::work, "passback-kafka-" + agentId);
        worker.setDaemon(true);
        worker.start();
    }

    /** Called with each warrant's result, on the executor's thread. */
    public KafkaPassbackExecutor onResult(Consumer<Result> listener) {
        this.listener = listener;
        return this;
    }

    /** True once the feed was read to its end at start and is still followed. */
    public boolean ready() {
        return feed.caughtUp() && feed.healthy() && worker.isAlive();
    }

    private void read(PassbackFeedRecord record) {
        if (record.getRevocation() != null) {
            RevocationListener.apply(record.getRevocation(), revocations);
        }
        WarrantIssued warrant = record.getWarrant();
        if (warrant != null
                && warrant.getMode() == ExecutionMode.PASSBACK
                && warrant.getAgentId().equals(agentId)) {
            arrived.add(warrant);
        }
    }

    private void work() {
        try {
            while (running.get() && !feed.awaitCaughtUp(Duration.ofSeconds(1))) {
                // the feed is read to its end first, so claims made before a restart are known
            }
            while (running.get()) {
                WarrantIssued warrant = arrived.poll(200, TimeUnit.MILLISECONDS);
                if (warrant == null || skip(warrant)) {
                    continue;
                }
                Result result = runner.run(offer(warrant), channel(warrant));
                listener.accept(result);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Claimed (by any instance: also a duplicate delivery), expired, or revoked: nothing to do. */
    private boolean skip(WarrantIssued warrant) {
        return feed.firstClaim(warrant.getWarrantId()).isPresent()
                || !warrant.getExpiresAt().isAfter(clock.instant())
                || revocations.isRevoked(warrant.getWarrantId(), warrant.getAgentId(), warrant.getIssuedAt());
    }

    private static PassbackRunner.Offer offer(WarrantIssued w) {
        return new PassbackRunner.Offer(
                w.getWarrantId(), w.getIntentId(), w.getAction(), w.getResource(), w.getParamsJson(), w.getToken());
    }

    private PassbackRunner.Channel channel(WarrantIssued warrant) {
        return new PassbackRunner.Channel() {
            @Override
            public ClaimAnswer claim(PassbackRunner.Offer offer) {
                WarrantClaimed claim = WarrantEvents.claim(warrant, claimant, EventIds.random(), clock.instant());
                try {
                    ClaimLedger.Outcome outcome =
                            feed.claim(claim).get(DECIDE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    return outcome.won()
                            ? ClaimAnswer.won()
                            : new ClaimAnswer(
                                    ClaimAnswer.Outcome.LOST,
                                    "claimed first by "
                                            + (outcome.first() == null
                                                    ? "another instance"
                                                    : outcome.first().claimant()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new ClaimAnswer(ClaimAnswer.Outcome.REFUSED, "interrupted before the claim was decided");
                } catch (Exception e) {
                    return new ClaimAnswer(ClaimAnswer.Outcome.REFUSED, "the claim was not decided: " + e);
                }
            }

            @Override
            public String report(PassbackRunner.Offer offer, String signedReport, String output) {
                var record = new ProducerRecord<>(
                        Topics.EXECUTION_REPORTS.name(),
                        warrant.getIntentId(),
                        ExecutionReportSubmitted.newBuilder()
                                .setSignedReport(signedReport)
                                .setOutput(output)
                                .build());
                try {
                    reports.send(record).get(DECIDE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "interrupted before the broker acknowledged the report";
                } catch (Exception e) {
                    return "the broker did not take the report: " + e;
                }
            }
        };
    }

    @Override
    public void close() {
        running.set(false);
        worker.interrupt();
        try {
            worker.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        feed.close();
        reports.close(Duration.ofSeconds(5));
    }
}
