package dev.vienna.sdk.kafka.events;

import dev.vienna.events.Intent;
import dev.vienna.sdk.canonical.CanonicalJson;
import dev.vienna.sdk.client.IntentRequest;
import java.util.HashMap;
import java.util.Map;

/** The contract's {@link Intent} for an agent's intent body: what intake publishes and what policy decides on. */
public final class IntentEvents {

    /**
     * The intent a (validated) body describes: absent risk factors are 0 and reversible, absent params {@code {}};
     * params are stored in their RFC 8785 canonical form.
     */
    public static Intent toIntent(IntentRequest request) {
        return Intent.newBuilder()
                .setAgentId(request.agentId())
                .setAction(request.action())
                .setResource(request.resource())
                .setParamsJson(
                        request.params() == null || request.params().isNull()
                                ? "{}"
                                : CanonicalJson.write(request.params()))
                .setJustification(request.justification())
                .setCostImpact(request.costImpact() == null ? 0.0 : request.costImpact())
                .setReversible(request.reversible() == null || request.reversible())
                .setBlastRadius(request.blastRadius() == null ? 0 : request.blastRadius())
                .setUrgency(request.urgency() == null ? 0 : request.urgency())
                .setIdempotencyKey(request.idempotencyKey())
                .setLabels(request.labels() == null ? Map.of() : new HashMap<>(request.labels()))
                .setOwner(request.owner())
                .build();
    }

    private IntentEvents() {}
}
