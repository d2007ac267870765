package dev.vienna.intake;

import dev.vienna.events.ExecutionReportSubmitted;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.Topics;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.Publisher;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code execution-reports} (channel {@value #CHANNEL}, consumer group {@code vienna-intake}): each passback
 * agent's signed report is checked as {@code POST /v1/executions} checks it ({@link PassbackReports}; the agent is the
 * one whose bound key signed it) and either published to {@code executions} or written to {@code dead-letter} byte for
 * byte with the reason, and only then acknowledged: at least once, and a re-delivered report is the same event id.
 * Nothing is judged before the passback warrants and their claims are read to their end.
 */
@ApplicationScoped
public class ReportConsumer {

    /** The incoming channel (application.properties names its topic through {@code vienna.topics.*}). */
    public static final String CHANNEL = "reports";

    private static final Logger LOG = Logger.getLogger(ReportConsumer.class);
    private static final String SERVICE = "intake-service";

    @Inject
    PassbackReports reports;

    @Inject
    PassbackWarrants warrants;

    @Inject
    Publisher publisher;

    @Inject
    IntakeConfig config;

    private Deserializer<ExecutionReportSubmitted> decoder;

    @PostConstruct
    void init() {
        decoder = Topics.EXECUTION_REPORTS.valueSerde().deserializer();
    }

    @Incoming(CHANNEL)
    @Blocking
    public void receive(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        String refusal;
        try {
            while (!warrants.awaitReady(Duration.ofSeconds(10))) {
                LOG.warn("waiting for the passback warrants and their claims before judging execution reports");
            }
            ExecutionReportSubmitted submitted = decoder.deserialize(record.topic(), record.value());
            if (submitted == null) {
                refusal = "null value (tombstone) where a signed execution report was expected";
            } else {
                ExecutionReported event = reports.accept(null, submitted.getSignedReport(), submitted.getOutput());
                Acknowledged.publishUntilAcknowledged(() ->
                        publisher.publish(Topics.EXECUTIONS, event.getIntentId(), event, config.publishTimeout()));
                return;
            }
        } catch (ProblemException e) {
            refusal = e.getMessage();
        } catch (Publisher.NotPublished e) {
            refusal = "the execution could never be recorded: " + e.getMessage();
        } catch (RuntimeException e) {
            refusal = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        }
        LOG.warnf(
                "execution report at %s-%d/%d refused: %s",
                record.topic(), record.partition(), record.offset(), refusal);
        Acknowledged.deadLetter(publisher, record, refusal, SERVICE, config.publishTimeout());
    }
}
