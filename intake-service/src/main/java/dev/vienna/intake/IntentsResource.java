package dev.vienna.intake;

import dev.vienna.events.EventIds;
import dev.vienna.events.Intent;
import dev.vienna.events.IntentAccepted;
import dev.vienna.events.SubmissionChannel;
import dev.vienna.platform.Problem;
import dev.vienna.platform.ProblemException;
import dev.vienna.sdk.IntentRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * {@code POST /v1/intents}: validates an agent's intent, stamps it with an intentId and the receive time, and answers
 * 202 only after the broker acknowledged it on {@code intents}. A retry with the same idempotency key answers the
 * original intentId without publishing again.
 */
@Path("/v1/intents")
public class IntentsResource {

    @Inject
    IntakeConfig config;

    @Inject
    IntentPublisher publisher;

    @Inject
    IdempotencyKeys idempotencyKeys;

    private final Clock clock = Clock.systemUTC();

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(IntentRequest request) {
        if (request == null) {
            throw new ProblemException(400, "Invalid intent", "the request has no body");
        }
        var errors = request.validate().stream()
                .map(e -> new Problem.FieldError(e.field(), e.message()))
                .toList();
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "Invalid intent", errors.size() + " field(s) are invalid", errors);
        }
        String tenantId = request.tenantId() == null ? config.defaultTenant() : request.tenantId();
        if (request.idempotencyKey() == null) {
            return accepted(publish(request, tenantId), tenantId, false);
        }
        var result = idempotencyKeys.intentFor(
                tenantId, request.agentId(), request.idempotencyKey(), () -> publish(request, tenantId));
        return accepted(result.intentId(), tenantId, result.replayed());
    }

    /** Publishes the intent and returns its id once the broker acknowledged it. */
    private String publish(IntentRequest request, String tenantId) {
        IntentAccepted accepted = toEvent(request, tenantId);
        try {
            publisher.publish(accepted, config.publishTimeout());
        } catch (IntentPublisher.UnavailableException e) {
            throw new ProblemException(
                    503, "Intent not accepted", e.getMessage() + "; retry with the same idempotencyKey");
        }
        return accepted.getIntentId();
    }

    private IntentAccepted toEvent(IntentRequest request, String tenantId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Intent intent = request.toIntent();
        return IntentAccepted.newBuilder()
                .setEventId(EventIds.random())
                .setIntentId(EventIds.random())
                .setTenantId(tenantId)
                .setOccurredAt(now)
                .setIntent(intent)
                .setChannel(SubmissionChannel.HTTP)
                .build();
    }

    private static Response accepted(String intentId, String tenantId, boolean replayed) {
        return Response.accepted(
                        Map.of("intentId", intentId, "tenantId", tenantId, "status", "ACCEPTED", "replayed", replayed))
                .build();
    }
}
