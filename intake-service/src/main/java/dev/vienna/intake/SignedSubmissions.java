package dev.vienna.intake;

import dev.vienna.events.AgentChanged;
import dev.vienna.events.AgentSigningKey;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rule for a signed submission on {@code intent-submissions}: it is accepted only from a registered, active agent,
 * signed with one of its unrevoked keys over exactly what it says ({@link IntentSignatures}), submitted within
 * {@code window} of this service's clock, with a nonce this instance has not accepted before (a copy is refused as a
 * replay), for the agent's own tenant and an owner it acts for, and a valid intent body; anything else is refused with
 * the reason (the caller dead-letters it). The intentId derives from the agent and the nonce, so a submission this
 * instance no longer remembers (after a restart, or on another instance) is still the same intent, which the stages
 * downstream treat as a re-delivery. Not thread-safe: one consumer thread calls it.
 */
final class SignedSubmissions {

    /** Accepted (the intent to publish) or refused (why). */
    record Outcome(IntentAccepted accepted, String refusal) {}

    private final AgentRegistry registry;
    private final Clock clock;
    private final Duration window;
    /** The newest {@code nonceCapacity} accepted nonces, as agentId NUL nonce. */
    private final Set<String> nonces;

    SignedSubmissions(AgentRegistry registry, Clock clock, Duration window, int nonceCapacity) {
        this.registry = registry;
        this.clock = clock;
        this.window = window;
        this.nonces = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > nonceCapacity;
            }
        });
    }

    Outcome check(IntentSubmitted submission) {
        Intent intent = submission.getIntent();
        String agentId = intent.getAgentId();
        Optional<String> refusal = registry.whyNotActive(agentId)
                .or(() -> refusal(submission, registry.agent(agentId).orElseThrow()));
        if (refusal.isPresent()) {
            return new Outcome(null, refusal.get());
        }
        AgentChanged agent = registry.agent(agentId).orElseThrow();
        nonces.add(nonceKey(submission));
        Intent accepted = Intent.newBuilder(intent)
                .setOwners(List.copyOf(agent.getOwners()))
                .build();
        String intentId = IntentSignatures.intentIdOf(agentId, submission.getNonce());
        return new Outcome(
                IntentAccepted.newBuilder()
                        .setEventId(intentId)
                        .setIntentId(intentId)
                        .setTenantId(agent.getTenantId())
                        .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                        .setIntent(accepted)
                        .setChannel(SubmissionChannel.KAFKA)
                        .build(),
                null);
    }

    /** Why an active agent's submission is refused; empty when it is accepted. */
    private Optional<String> refusal(IntentSubmitted submission, AgentChanged agent) {
        Intent intent = submission.getIntent();
        String agentId = intent.getAgentId();
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
        if (nonces.contains(nonceKey(submission))) {
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

    private static String nonceKey(IntentSubmitted submission) {
        return submission.getIntent().getAgentId() + "\u0000" + submission.getNonce();
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
