package dev.vienna.intake;

import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionMode;
import dev.vienna.events.PassbackFeedRecord;
import dev.vienna.events.RevocationScope;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.events.WarrantIssued;
import dev.vienna.events.WarrantRevoked;
import dev.vienna.platform.Publisher;
import dev.vienna.sdk.kafka.claims.ClaimLedger;
import dev.vienna.sdk.kafka.events.WarrantEvents;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Fills the passback feeds of agents that take their warrants over Kafka ({@link PassbackFeeds}): consumes
 * {@code warrants} and {@code warrant-revocations} (channels {@value #WARRANTS} and {@value #REVOCATIONS}, consumer
 * group {@code vienna-intake}, acknowledged once forwarded: at least once). A PASSBACK warrant of such an agent, valid
 * and not revoked, is first claimed on {@code warrant-claims} for the agent's feed
 * ({@link PassbackReports#feedClaimant}) — so it can never also be claimed over HTTP, and a re-delivery finds the claim
 * its own — then appended to the feed, where the agent's instances claim it among themselves. A revocation of such an
 * agent's warrant, or of the agent, is appended too. A warrant claimed first over HTTP is left to that claimant.
 */
@ApplicationScoped
public class PassbackForwarder {

    public static final String WARRANTS = "passback-warrants";
    public static final String REVOCATIONS = "passback-revocations";

    private static final Logger LOG = Logger.getLogger(PassbackForwarder.class);
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(10);

    @Inject
    PassbackWarrants warrants;

    @Inject
    PassbackFeeds feeds;

    @Inject
    Publisher publisher;

    @Inject
    IntakeConfig config;

    private final Clock clock = Clock.systemUTC();
    private Deserializer<WarrantIssued> warrantDecoder;
    private Deserializer<WarrantRevoked> revocationDecoder;

    @PostConstruct
    void init() {
        warrantDecoder = Topics.WARRANTS.valueSerde().deserializer();
        revocationDecoder = Topics.WARRANT_REVOCATIONS.valueSerde().deserializer();
    }

    @Incoming(WARRANTS)
    @Blocking
    public void warrant(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        WarrantIssued warrant = decode(warrantDecoder, record);
        if (warrant == null
                || warrant.getMode() != ExecutionMode.PASSBACK
                || !warrant.getExpiresAt().isAfter(clock.instant())
                || !feeds.hasFeed(warrant.getAgentId())) {
            return;
        }
        awaitFollowed();
        warrants.know(warrant);
        if (warrants.revocation(warrant).isPresent()) {
            return;
        }
        String feedClaimant = PassbackReports.feedClaimant(warrant.getAgentId());
        ClaimLedger.Outcome outcome = claimForFeed(warrant, feedClaimant);
        if (!outcome.won()
                && (outcome.first() == null || !outcome.first().claimant().equals(feedClaimant))) {
            LOG.infof(
                    "warrant %s not forwarded to agent %s's feed: claimed first by %s",
                    warrant.getWarrantId(),
                    warrant.getAgentId(),
                    outcome.first() == null
                            ? "another claimant"
                            : outcome.first().claimant());
            return;
        }
        PassbackFeedRecord forwarded =
                PassbackFeedRecord.newBuilder().setWarrant(warrant).build();
        Acknowledged.publishUntilAcknowledged(() -> publisher.publish(
                Topics.passbackFeed(warrant.getAgentId()), warrant.getIntentId(), forwarded, config.publishTimeout()));
    }

    @Incoming(REVOCATIONS)
    @Blocking
    public void revocation(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        WarrantRevoked revoked = decode(revocationDecoder, record);
        if (revoked == null) {
            return;
        }
        Optional<String> agentId = revoked.getScope() == RevocationScope.AGENT
                ? Optional.ofNullable(revoked.getAgentId())
                : Optional.ofNullable(revoked.getWarrantId())
                        .flatMap(warrants::warrant)
                        .map(WarrantIssued::getAgentId);
        if (agentId.isEmpty() || !feeds.hasFeed(agentId.get())) {
            return;
        }
        String key = revoked.getIntentId().isEmpty() ? "agent:" + agentId.get() : revoked.getIntentId();
        PassbackFeedRecord forwarded =
                PassbackFeedRecord.newBuilder().setRevocation(revoked).build();
        Acknowledged.publishUntilAcknowledged(
                () -> publisher.publish(Topics.passbackFeed(agentId.get()), key, forwarded, config.publishTimeout()));
    }

    /** Claims until the claim is decided: a warrant is not forwarded, nor acknowledged, before. */
    private ClaimLedger.Outcome claimForFeed(WarrantIssued warrant, String claimant) throws InterruptedException {
        while (true) {
            WarrantClaimed claim = WarrantEvents.claim(
                    warrant, claimant, EventIds.of(warrant.getWarrantId(), "feed-claim"), clock.instant());
            try {
                return warrants.ledger().claim(claim).get(CLAIM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                LOG.warnf("claim of warrant %s for its feed not decided, retrying: %s", warrant.getWarrantId(), e);
                Thread.sleep(1000);
            }
        }
    }

    private void awaitFollowed() throws InterruptedException {
        while (!warrants.awaitReady(Duration.ofSeconds(10))) {
            LOG.warn("waiting for the passback warrants and their claims before forwarding warrants");
        }
    }

    private static <V> V decode(Deserializer<V> decoder, ConsumerRecord<String, byte[]> record) {
        try {
            return decoder.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            // only warrant-service writes these topics; a record that does not decode has no agent to forward to
            LOG.warnf(
                    "undecodable record at %s-%d/%d not forwarded: %s",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            return null;
        }
    }
}
