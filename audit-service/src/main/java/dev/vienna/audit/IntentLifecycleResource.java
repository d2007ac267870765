package dev.vienna.audit;

import dev.vienna.events.IntentLifecycle;
import dev.vienna.events.IntentState;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.streams.StateStores;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantTokens;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/intents/{intentId}}: an intent's current state and its ordered events. */
@Tag(name = "timelines", description = "Each intent's audited lifecycle")
@Path("/v1/intents")
@Produces(MediaType.APPLICATION_JSON)
public class IntentLifecycleResource {

    @Inject
    KafkaStreams streams;

    @Operation(
            summary = "An intent's lifecycle",
            description =
                    "Its current state, tier, mode, warrant (token and decoded claims) and every audited event in order, each with the id of its audit record.")
    @APIResponse(responseCode = "200", description = "The lifecycle")
    @APIResponse(responseCode = "404", description = "No event of this intent has been audited")
    @APIResponse(
            responseCode = "503",
            description = "The lifecycle store is not queryable right now; retry after Retry-After")
    @GET
    @Path("/{intentId}")
    public Lifecycle get(@PathParam("intentId") String intentId) {
        IntentLifecycle lifecycle = StateStores.<String, IntentLifecycle>keyValue(
                        streams, AuditTopology.LIFECYCLES_STORE)
                .get(intentId);
        if (lifecycle == null) {
            throw new ProblemException(404, "Unknown intent", "no event of intent " + intentId + " has been audited");
        }
        return Lifecycle.of(lifecycle);
    }

    /** The JSON shape of a lifecycle. */
    public record Lifecycle(
            String intentId,
            String tenantId,
            String agentId,
            String action,
            String resource,
            IntentState state,
            String tier,
            String mode,
            String warrantId,
            Warrant warrant,
            Instant updatedAt,
            List<Step> events) {

        static Lifecycle of(IntentLifecycle l) {
            return new Lifecycle(
                    l.getIntentId(),
                    l.getTenantId(),
                    l.getAgentId(),
                    l.getAction(),
                    l.getResource(),
                    l.getState(),
                    l.getTier() == null ? null : l.getTier().name(),
                    l.getMode() == null ? null : l.getMode().name(),
                    l.getWarrantId(),
                    Warrant.of(l.getWarrantToken()),
                    l.getUpdatedAt(),
                    l.getSteps().stream()
                            .map(s -> new Step(
                                    s.getEventType(),
                                    s.getEventId(),
                                    s.getOccurredAt(),
                                    s.getState(),
                                    s.getSummary(),
                                    s.getAuditRecordId()))
                            .toList());
        }
    }

    /** The warrant's compact JWS and its claims as decoded (display only: verify with the sdk's WarrantVerifier). */
    public record Warrant(String token, WarrantClaims claims, String decodingError) {
        static Warrant of(String token) {
            if (token == null || token.isEmpty()) {
                return null;
            }
            try {
                return new Warrant(token, WarrantTokens.readUnverified(token), null);
            } catch (ParseException e) {
                return new Warrant(token, null, e.getMessage());
            }
        }
    }

    public record Step(
            String type, String eventId, Instant occurredAt, IntentState state, String summary, String auditRecordId) {}
}
