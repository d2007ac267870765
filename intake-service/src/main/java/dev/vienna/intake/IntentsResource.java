package dev.vienna.intake;

import dev.vienna.events.EventIds;
import dev.vienna.events.Intent;
import dev.vienna.events.IntentAccepted;
import dev.vienna.events.SubmissionChannel;
import dev.vienna.events.Topics;
import dev.vienna.platform.Problem;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.Publisher;
import dev.vienna.sdk.client.IntentRequest;
import dev.vienna.sdk.kafka.events.IntentEvents;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /v1/intents}: validates an agent's intent, stamps it with an intentId and the receive time, and answers
 * 202 only after the broker acknowledged it on {@code intents}. A retry with the same idempotency key answers the
 * original intentId without publishing again.
 */
@Tag(name = "intents", description = "Agents submit what they intend to do")
@Path("/v1/intents")
public class IntentsResource {

    @Inject
    IntakeConfig config;

    @Inject
    Publisher publisher;

    @Inject
    IdempotencyKeys idempotencyKeys;

    private final Clock clock = Clock.systemUTC();

    @Operation(
            summary = "Submit an intent",
            description =
                    "Validated, stamped with an intentId and the receive time, and published to intents; answered only after the broker acknowledged it.")
    @APIResponse(
            responseCode = "202",
            description =
                    "Accepted and durably published: intentId, tenantId, replayed (an idempotencyKey seen before)")
    @APIResponse(
            responseCode = "400",
            description = "Invalid body: each invalid field in errors; malformed JSON; an unknown field")
    @APIResponse(
            responseCode = "413",
            description = "Too large for the broker to record: the same request never succeeds")
    @APIResponse(
            responseCode = "503",
            description =
                    "Not acknowledged by the broker in time: nothing was recorded; retry after Retry-After (same idempotencyKey)")
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
        publisher.publish(Topics.INTENTS, accepted.getIntentId(), accepted, config.publishTimeout());
        return accepted.getIntentId();
    }

    private IntentAccepted toEvent(IntentRequest request, String tenantId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Intent intent = IntentEvents.toIntent(request);
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
