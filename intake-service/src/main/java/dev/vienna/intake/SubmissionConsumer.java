package dev.vienna.intake;

import dev.vienna.events.IntentSubmitted;
import dev.vienna.events.Topics;
import dev.vienna.platform.Publisher;
import dev.vienna.platform.security.Agents;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code intent-submissions} (SmallRye Reactive Messaging, channel {@value #CHANNEL}, consumer group
 * {@code vienna-intake}): each signed submission is checked ({@link SignedSubmissions}) and either published to
 * {@code intents} or written to {@code dead-letter} byte for byte with the reason, and only then acknowledged (its
 * offset committed): at least once, with the intentId derived from the agent and nonce so a re-delivery is the same
 * intent. A record that does not decode is a dead letter too. While the broker does not acknowledge, the same record is
 * retried (the stage cannot go on without recording it). A dead letter the broker can never take is logged with the
 * record's position and the stage goes on; only an interrupt (shutdown) ends a record unacknowledged, to be read again.
 */
@ApplicationScoped
public class SubmissionConsumer {

    /** The incoming channel (application.properties names its topic through {@code vienna.topics.*}). */
    public static final String CHANNEL = "submissions";

    private static final Logger LOG = Logger.getLogger(SubmissionConsumer.class);
    private static final String SERVICE = "intake-service";

    @Inject
    Agents agents;

    @Inject
    Publisher publisher;

    @Inject
    IntakeConfig config;

    private SignedSubmissions submissions;
    private Deserializer<IntentSubmitted> decoder;

    @PostConstruct
    void init() {
        submissions = new SignedSubmissions(agents.registry(), Clock.systemUTC(), config.submissionWindow(), 100_000);
        decoder = Topics.INTENT_SUBMISSIONS.valueSerde().deserializer();
    }

    @Incoming(CHANNEL)
    @Blocking
    public void receive(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        String refusal;
        try {
            awaitRegistry();
            IntentSubmitted submission = decoder.deserialize(record.topic(), record.value());
            if (submission == null) {
                refusal = "null value (tombstone) where a signed submission was expected";
            } else {
                SignedSubmissions.Outcome outcome = submissions.check(submission);
                if (outcome.accepted() != null) {
                    Acknowledged.publishUntilAcknowledged(() -> publisher.publish(
                            Topics.INTENTS,
                            outcome.accepted().getIntentId(),
                            outcome.accepted(),
                            config.publishTimeout()));
                    return;
                }
                refusal = outcome.refusal();
            }
        } catch (Publisher.NotPublished e) {
            refusal = "the accepted intent could never be recorded: " + e.getMessage();
        } catch (RuntimeException e) {
            refusal = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        }
        LOG.warnf(
                "signed submission at %s-%d/%d refused: %s",
                record.topic(), record.partition(), record.offset(), refusal);
        Acknowledged.deadLetter(publisher, record, refusal, SERVICE, config.publishTimeout());
    }

    /** A submission is not judged by a registry that may be behind. */
    private void awaitRegistry() throws InterruptedException {
        while (!agents.registry().awaitCaughtUp(Duration.ofSeconds(10))) {
            LOG.warn("waiting for the agent registry before judging signed submissions");
        }
    }
}
