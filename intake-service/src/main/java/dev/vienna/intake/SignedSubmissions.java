package dev.vienna.intake;

import dev.vienna.events.AgentChanged;
import dev.vienna.events.AgentSigningKey;
import dev.vienna.events.AvroSerde;
import dev.vienna.events.Intent;
import dev.vienna.events.IntentAccepted;
import dev.vienna.events.IntentSubmitted;
import dev.vienna.events.SubmissionChannel;
import dev.vienna.sdk.canonical.CanonicalJson;
import dev.vienna.sdk.client.IntentRequest;
import dev.vienna.sdk.kafka.agents.AgentRegistry;
import dev.vienna.sdk.kafka.submit.IntentSignatures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rule for a signed submission on {@code intent-submissions}: it is accepted only from a registered, active agent,
 * signed with one of its unrevoked keys over exactly what it says ({@link IntentSignatures}), submitted within
 * {@code window} of this service's clock, with a nonce not seen before, for the agent's own tenant and an owner it acts
 * for, and a valid intent body; anything else is refused with the reason (the caller dead-letters it). The intentId
 * derives from the agent and the nonce, so a submission delivered twice, or replayed after this instance forgot its
 * nonce (a restart, another instance), is the same intent, which the stages downstream treat as a re-delivery. Not
 * thread-safe: one consumer thread calls it.
 */
final class SignedSubmissions {

    /** Accepted (the intent to publish) or refused (why). */
    record Outcome(IntentAccepted accepted, String refusal) {}

    private static final AvroSerde<IntentSubmitted> INTENTS = new AvroSerde<>(IntentSubmitted.class);

    private final AgentRegistry registry;
    private final Clock clock;
    private final Duration window;
    private final Map<String, Instant> nonces;

    SignedSubmissions(AgentRegistry registry, Clock clock, Duration window, int nonceCapacity) {
        this.registry = registry;
        this.clock = clock;
        this.window = window;
        this.nonces = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > nonceCapacity;
            }
        };
    }

    Outcome check(IntentSubmitted submission) {
        Optional<String> refusal = refusal(submission);
        if (refusal.isPresent()) {
            return new Outcome(null, refusal.get());
        }
        Intent intent = submission.getIntent();
        AgentChanged agent = registry.agent(intent.getAgentId()).orElseThrow();
        nonces.put(intent.getAgentId() + "\u0000" + submission.getNonce(), submission.getSubmittedAt());
        Intent accepted = Intent.newBuilder(intent)
                .setOwners(List.copyOf(agent.getOwners()))
                .build();
        return new Outcome(
                IntentAccepted.newBuilder()
                        .setEventId(IntentSignatures.intentIdOf(intent.getAgentId(), submission.getNonce()))
                        .setIntentId(IntentSignatures.intentIdOf(intent.getAgentId(), submission.getNonce()))
                        .setTenantId(agent.getTenantId())
                        .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                        .setIntent(accepted)
                        .setChannel(SubmissionChannel.KAFKA)
                        .build(),
                null);
    }

    private Optional<String> refusal(IntentSubmitted submission) {
        Intent intent = submission.getIntent();
        String agentId = intent.getAgentId();
        Optional<String> inactive = registry.whyNotActive(agentId);
        if (inactive.isPresent()) {
            return inactive;
        }
        AgentChanged agent = registry.agent(agentId).orElseThrow();
        Optional<AgentSigningKey> key = registry.signingKey(agentId, submission.getKeyId());
        if (key.isEmpty()) {
            return Optional.of("agent " + agentId + " has no unrevoked signing key " + submission.getKeyId());
        }
        Optional<String> badSignature =
                IntentSignatures.problem(submission, key.get().getPublicKey());
        if (badSignature.isPresent()) {
            return badSignature;
        }
        Instant now = clock.instant();
        Instant submittedAt = submission.getSubmittedAt();
        if (submittedAt == null || submittedAt.isBefore(now.minus(window)) || submittedAt.isAfter(now.plus(window))) {
            return Optional.of(
                    "submitted at " + submittedAt + ", not within " + window + " of " + now + ": refused as a replay");
        }
        String nonce = submission.getNonce();
        if (nonce == null || nonce.length() < IntentSignatures.MIN_NONCE_LENGTH || nonce.length() > 128) {
            return Optional.of("the nonce must be 16 to 128 characters");
        }
        if (nonces.containsKey(agentId + "\u0000" + nonce)) {
            return Optional.of("nonce " + nonce + " was used before: refused as a replay");
        }
        if (!agent.getTenantId().equals(submission.getTenantId())) {
            return Optional.of("agent " + agentId + " acts in tenant " + agent.getTenantId() + ", not "
                    + submission.getTenantId());
        }
        if (intent.getOwner() != null && !agent.getOwners().contains(intent.getOwner())) {
            return Optional.of("agent " + agentId + " does not act for " + intent.getOwner());
        }
        List<IntentRequest.FieldError> errors =
                asRequest(intent, submission.getTenantId()).validate();
        if (!errors.isEmpty()) {
            return Optional.of("invalid intent: " + errors);
        }
        return Optional.empty();
    }

    /** The submission's intent as an intent body, to be checked by the same rules as an HTTP submission. */
    private static IntentRequest asRequest(Intent intent, String tenantId) {
        return new IntentRequest(
                tenantId,
                intent.getAgentId(),
                intent.getAction(),
                intent.getResource(),
                CanonicalJson.parse(intent.getParamsJson()),
                intent.getJustification(),
                intent.getCostImpact(),
                intent.getReversible(),
                intent.getBlastRadius(),
                intent.getUrgency(),
                intent.getIdempotencyKey(),
                intent.getLabels(),
                intent.getOwner());
    }
}
