package dev.vienna.sdk.kafka.submit;

import dev.vienna.events.IntentSubmitted;
import dev.vienna.events.Topics;
import dev.vienna.sdk.client.IntentRequest;
import dev.vienna.sdk.kafka.events.IntentEvents;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * For Java agents with a Kafka principal: submits intents to {@code intent-submissions}, each signed with the agent's
 * registered Ed25519 key ({@link IntentSignatures}) with a fresh nonce and the current time, and returns the intentId
 * intake will give it once the broker acknowledged the record. The agent's principal may write nothing else. intake
 * verifies the signature against the registry, refuses a replay, and publishes the intent; a refused submission goes to
 * {@code dead-letter} with the reason. Thread-safe.
 */
public final class SignedIntentSubmitter implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String agentId;
    private final String tenantId;
    private final String keyId;
    private final byte[] privateKey;
    private final Clock clock;
    private final KafkaProducer<String, IntentSubmitted> producer;

    /**
     * @param kafka client settings of the agent's principal (bootstrap servers, SASL credentials)
     * @param privateKey the raw 32-byte Ed25519 private key registered (as its public half) under {@code keyId}
     */
    public SignedIntentSubmitter(
            Map<String, Object> kafka, String agentId, String tenantId, String keyId, byte[] privateKey, Clock clock) {
        this.agentId = agentId;
        this.tenantId = tenantId;
        this.keyId = keyId;
        this.privateKey = privateKey.clone();
        this.clock = clock;
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(
                config,
                Topics.INTENT_SUBMISSIONS.keySerde().serializer(),
                Topics.INTENT_SUBMISSIONS.valueSerde().serializer());
    }

    /** Signs and sends one intent; returns its intentId once the broker acknowledged it. */
    public String submit(IntentRequest request, Duration timeout) throws Exception {
        IntentRequest identified = request.withIdentity(agentId, tenantId);
        var errors = identified.validate();
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid intent: " + errors);
        }
        byte[] nonceBytes = new byte[18];
        RANDOM.nextBytes(nonceBytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(nonceBytes);
        String intentId = IntentSignatures.intentIdOf(agentId, nonce);
        var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        IntentSubmitted submission = IntentSubmitted.newBuilder()
                .setEventId(intentId)
                .setIntentId(intentId)
                .setTenantId(tenantId)
                .setOccurredAt(now)
                .setIntent(IntentEvents.toIntent(identified))
                .setKeyId(keyId)
                .setSignature(ByteBuffer.allocate(0))
                .setSubmittedAt(now)
                .setNonce(nonce)
                .build();
        submission.setSignature(ByteBuffer.wrap(IntentSignatures.sign(submission, privateKey)));
        producer.send(new ProducerRecord<>(Topics.INTENT_SUBMISSIONS.name(), intentId, submission))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return intentId;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
