package dev.vienna.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vienna.events.AvroSerde;
import dev.vienna.events.IntentSubmitted;
import dev.vienna.events.KafkaAccess;
import dev.vienna.events.SubmissionChannel;
import dev.vienna.events.Topics;
import dev.vienna.sdk.client.IntentRequest;
import dev.vienna.sdk.kafka.submit.IntentSignatures;
import dev.vienna.sdk.kafka.submit.SignedIntentSubmitter;
import dev.vienna.testing.KafkaBrokerResource;
import dev.vienna.testing.KafkaProbe;
import dev.vienna.testing.OperatorTokensResource;
import dev.vienna.testing.TestAgents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Java agents with a Kafka principal submit signed intents on intent-submissions; intake accepts only a registered,
 * active agent's genuine, fresh, first-time submission and dead-letters anything else with the reason.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(OperatorTokensResource.class)
class SignedSubmissionsTest {

    private static final AvroSerde<IntentSubmitted> COPIES = new AvroSerde<>(IntentSubmitted.class);

    private final KafkaProbe kafka = KafkaBrokerResource.probe();

    private static SignedIntentSubmitter submitterOf(String agentId, Clock clock) {
        TestAgents.Agent agent = TestAgents.get(agentId);
        return new SignedIntentSubmitter(
                KafkaBrokerResource.credentials(KafkaAccess.agentPrincipal(agentId))
                        .clientConfig(KafkaBrokerResource.broker().bootstrapServers()),
                agentId,
                agent.tenantId(),
                agent.signingKeyId(),
                agent.signingKey().privateOrSecret(),
                clock);
    }

    private static IntentRequest noop(String resource) {
        return new IntentRequest(null, null, "noop", resource, null, null, null, null, null, null, null, null, null);
    }

    private String deadLetterReason(byte[] key) {
        return kafka.deadLetterReason(new String(key, StandardCharsets.UTF_8), Duration.ofSeconds(30));
    }

    @Test
    void shouldAcceptASignedSubmissionWithTheRegistrysIdentity() throws Exception {
        try (var submitter = submitterOf("agent-7", Clock.systemUTC())) {
            String intentId = submitter.submit(noop("signed-1"), Duration.ofSeconds(10));
            var accepted = kafka.await(Topics.INTENTS, r -> r.key().equals(intentId), Duration.ofSeconds(30))
                    .value();
            assertThat(accepted.getChannel()).isEqualTo(SubmissionChannel.KAFKA);
            assertThat(accepted.getTenantId()).isEqualTo("acme");
            assertThat(accepted.getIntent().getAgentId()).isEqualTo("agent-7");
            assertThat(accepted.getIntent().getOwners()).containsExactly("carol");
            assertThat(accepted.getIntent().getResource()).isEqualTo("signed-1");
        }
    }

    @Test
    void shouldDeadLetterAReplayedATamperedAndAStaleSubmission() throws Exception {
        String intentId;
        try (var submitter = submitterOf("agent-7", Clock.systemUTC())) {
            intentId = submitter.submit(noop("replayed"), Duration.ofSeconds(10));
        }
        var original = kafka.await(Topics.INTENT_SUBMISSIONS, r -> r.key().equals(intentId), Duration.ofSeconds(10))
                .value();
        kafka.await(Topics.INTENTS, r -> r.key().equals(intentId), Duration.ofSeconds(30));

        // the same bytes again (an attacker who copied the record): a replay
        IntentSubmitted replay = COPIES.copy(original);
        kafka.send(Topics.INTENT_SUBMISSIONS, "replay-" + intentId, replay);
        assertThat(deadLetterReason(("replay-" + intentId).getBytes(StandardCharsets.UTF_8)))
                .contains("used before");

        // one field changed after signing
        IntentSubmitted tampered = COPIES.copy(original);
        tampered.setNonce("tampered-nonce-" + UUID.randomUUID());
        tampered.getIntent().setResource("production-db");
        kafka.send(Topics.INTENT_SUBMISSIONS, "tampered-" + intentId, tampered);
        assertThat(deadLetterReason(("tampered-" + intentId).getBytes(StandardCharsets.UTF_8)))
                .contains("signature does not match");

        // signed an hour ago
        try (var stale = submitterOf("agent-7", Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)))) {
            String staleId = stale.submit(noop("stale"), Duration.ofSeconds(10));
            assertThat(deadLetterReason(staleId.getBytes(StandardCharsets.UTF_8)))
                    .contains("not within");
        }
    }

    @Test
    void shouldDeadLetterASubmissionSignedWithAnotherKeyOrForAnUnknownAgent() throws Exception {
        var agent = TestAgents.get("infra-optimizer");
        String nonce = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        IntentSubmitted forged = IntentSubmitted.newBuilder()
                .setEventId("forged")
                .setIntentId("forged-" + nonce)
                .setTenantId(agent.tenantId())
                .setOccurredAt(now)
                .setIntent(dev.vienna.sdk.kafka.events.IntentEvents.toIntent(
                        noop("x").withIdentity("infra-optimizer", agent.tenantId())))
                .setKeyId(agent.signingKeyId())
                .setSignature(ByteBuffer.allocate(0))
                .setSubmittedAt(now)
                .setNonce(nonce)
                .build();
        // signed with agent-7's key, claiming to be infra-optimizer
        forged.setSignature(ByteBuffer.wrap(IntentSignatures.sign(
                forged, TestAgents.get("agent-7").signingKey().privateOrSecret())));
        kafka.send(Topics.INTENT_SUBMISSIONS, "forged-" + nonce, forged);
        assertThat(deadLetterReason(("forged-" + nonce).getBytes(StandardCharsets.UTF_8)))
                .contains("signature does not match");

        IntentSubmitted ghost = COPIES.copy(forged);
        ghost.getIntent().setAgentId("ghost-agent");
        kafka.send(Topics.INTENT_SUBMISSIONS, "ghost-" + nonce, ghost);
        assertThat(deadLetterReason(("ghost-" + nonce).getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("agent ghost-agent is not registered");

        kafka.sendRaw(Topics.INTENT_SUBMISSIONS, "garbage".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
        assertThat(deadLetterReason("garbage".getBytes(StandardCharsets.UTF_8))).contains("IntentSubmitted");
    }
}
