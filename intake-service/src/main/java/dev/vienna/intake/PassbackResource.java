package dev.vienna.intake;

import dev.vienna.events.AgentChanged;
import dev.vienna.events.EventIds;
import dev.vienna.events.ExecutionReported;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantClaimed;
import dev.vienna.events.WarrantIssued;
import dev.vienna.platform.OpenApiProblems;
import dev.vienna.platform.ProblemException;
import dev.vienna.platform.Publisher;
import dev.vienna.platform.security.AgentApiKeyAuthentication;
import dev.vienna.platform.security.Roles;
import dev.vienna.sdk.kafka.agents.AgentRegistry;
import dev.vienna.sdk.kafka.claims.ClaimLedger;
import dev.vienna.sdk.kafka.events.WarrantEvents;
import dev.vienna.sdk.warrant.PossessionProofs;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The agent side of passback, over HTTP for agents in any language: an agent (its API key) long-polls for its PASSBACK
 * warrants, claims one with a proof that it holds the key the warrant is bound to (the fenced claim on
 * {@code warrant-claims}: of all the agent's instances, and anyone else, exactly one wins), runs it, and reports with
 * an execution report signed by that key, which is published to {@code executions} once its signature, warrant, agent
 * and claim check out. audit-service verifies it again, from the signature, before it calls the execution VERIFIED.
 */
@Tag(name = "passback", description = "Agents run their PASSBACK warrants and report what they did")
@SecurityRequirement(name = OpenApiProblems.AGENT)
@Path("/v1")
public class PassbackResource {

    /** The longest a long poll waits. */
    static final int MAX_WAIT_SECONDS = 30;
    /** How old a proof of possession may be. */
    static final Duration PROOF_MAX_AGE = Duration.ofMinutes(2);

    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(10);

    @Inject
    PassbackWarrants warrants;

    @Inject
    IntakeConfig config;

    @Inject
    PassbackReports reports;

    @Inject
    PassbackFeeds feeds;

    @Inject
    Publisher publisher;

    @Inject
    SecurityIdentity identity;

    private final Clock clock = Clock.systemUTC();

    /** A warrant as handed to its agent: the token and the action it authorizes. */
    public record PassbackWarrant(
            String warrantId,
            String intentId,
            String action,
            String resource,
            String params,
            String token,
            String expiresAt,
            String confirmationKeyThumbprint) {
        static PassbackWarrant of(WarrantIssued w) {
            return new PassbackWarrant(
                    w.getWarrantId(),
                    w.getIntentId(),
                    w.getAction(),
                    w.getResource(),
                    w.getParamsJson(),
                    w.getToken(),
                    w.getExpiresAt().toString(),
                    w.getConfirmationKeyThumbprint());
        }
    }

    @Operation(
            summary = "The calling agent's PASSBACK warrants to run",
            description = "Valid, unclaimed, unrevoked warrants of the authenticated agent, oldest first (at most 100);"
                    + " with waitSeconds (at most 30), waits for one when there is none (long poll).")
    @APIResponse(responseCode = "200", description = "warrants: each with its token and the action it authorizes")
    @APIResponse(responseCode = "401", description = "No API key, or one that is not a registered agent's")
    @APIResponse(responseCode = "409", description = "The agent takes its warrants from its Kafka feed instead")
    @GET
    @Path("/passback/warrants")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.AGENT)
    public Map<String, Object> pending(@QueryParam("waitSeconds") @DefaultValue("0") int waitSeconds)
            throws InterruptedException {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw new ProblemException(
                    400, "Invalid wait", "waitSeconds must be 0 to " + MAX_WAIT_SECONDS + ", not " + waitSeconds);
        }
        requireFollowed();
        AgentChanged agent = agent();
        if (feeds.hasFeed(agent.getAgentId())) {
            throw new ProblemException(
                    409,
                    "Warrants go to the Kafka feed",
                    "agent " + agent.getAgentId() + " takes its warrants from its Kafka feed "
                            + Topics.passbackFeed(agent.getAgentId()).name()
                            + " (sdk-kafka KafkaPassbackExecutor), not over HTTP");
        }
        List<PassbackWarrant> pending =
                warrants.pendingFor(agent.getAgentId(), Duration.ofSeconds(waitSeconds)).stream()
                        .map(PassbackWarrant::of)
                        .toList();
        return Map.of("warrants", pending);
    }

    /** A claim: the agent's proof of possession (purpose {@code claim}) of the key the warrant is bound to. */
    public record ClaimRequest(String proof) {}

    @Operation(
            summary = "Claim a PASSBACK warrant before running it",
            description = "Records the agent's claim on warrant-claims; the first claim in the log wins, so of several"
                    + " instances of one agent exactly one may run the warrant. Needs a fresh proof of possession"
                    + " (sdk PossessionProofs, purpose claim) by the key the warrant is bound to.")
    @APIResponse(responseCode = "200", description = "Claimed: this caller alone may run the warrant now")
    @APIResponse(responseCode = "400", description = "No proof, or one that does not prove the bound key")
    @APIResponse(responseCode = "403", description = "Another agent's warrant, a suspended agent, a revoked warrant")
    @APIResponse(responseCode = "404", description = "No such passback warrant (or expired long ago)")
    @APIResponse(responseCode = "409", description = "Claimed before (by another instance, or expired)")
    @APIResponse(responseCode = "503", description = "The claim could not be decided; do not run, retry")
    @POST
    @Path("/passback/warrants/{warrantId}/claim")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.AGENT)
    public Map<String, Object> claim(@PathParam("warrantId") String warrantId, ClaimRequest request) {
        requireFollowed();
        AgentChanged agent = agent();
        AgentRegistry.whyNotActive(agent).ifPresent(why -> {
            throw new ProblemException(403, "Agent suspended", why);
        });
        WarrantIssued warrant = reports.ownWarrant(agent, warrantId);
        warrants.revocation(warrant).ifPresent(why -> {
            throw new ProblemException(403, "Warrant revoked", why);
        });
        if (!warrant.getExpiresAt().isAfter(clock.instant())) {
            throw new ProblemException(
                    409, "Warrant expired", "warrant " + warrantId + " expired at " + warrant.getExpiresAt());
        }
        PassbackReports.requireRegisteredBindingKey(agent, warrant);
        String problem = PossessionProofs.problem(
                        request == null ? null : request.proof(),
                        warrant.getConfirmationKeyThumbprint(),
                        warrantId,
                        PossessionProofs.CLAIM,
                        clock,
                        PROOF_MAX_AGE)
                .orElse(null);
        if (problem != null) {
            throw new ProblemException(400, "No proof of possession", problem);
        }
        WarrantClaimed claim = WarrantEvents.claim(
                warrant, PassbackReports.claimant(agent.getAgentId()), EventIds.random(), clock.instant());
        ClaimLedger.Outcome outcome;
        try {
            outcome = warrants.ledger().claim(claim).get(CLAIM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw undecided(e);
        } catch (Exception e) {
            throw undecided(e);
        }
        if (!outcome.won()) {
            throw new ProblemException(
                    409,
                    "Already claimed",
                    "warrant " + warrantId + " was claimed first by "
                            + (outcome.first() == null
                                    ? "another claimant"
                                    : outcome.first().claimant() + " at "
                                            + outcome.first().claimedAt()));
        }
        return Map.of(
                "warrantId",
                warrantId,
                "claimed",
                true,
                "claimedAt",
                claim.getOccurredAt().toString());
    }

    private static ProblemException undecided(Exception e) {
        return ProblemException.unavailable(
                "Claim not decided",
                "the claim could not be recorded and read back; do not run: " + e,
                Duration.ofSeconds(1));
    }

    /** A report: the agent's signed execution report, and the output whose digest it names (optional). */
    public record ReportRequest(String report, String output) {}

    @Operation(
            summary = "Report what a PASSBACK warrant's execution did",
            description = "A report signed by the key the warrant is bound to (sdk ExecutionReports), for a warrant"
                    + " this agent claimed; output, when given, must have the report's outputDigest. Published to"
                    + " executions; the same report sent again is published again under the same eventId, which"
                    + " audit-service's verification takes as a re-delivery (no second verdict).")
    @APIResponse(responseCode = "202", description = "Recorded on executions: eventId")
    @APIResponse(responseCode = "400", description = "Not a valid signed report, or the output does not match it")
    @APIResponse(responseCode = "403", description = "Another agent's warrant")
    @APIResponse(responseCode = "404", description = "No such passback warrant")
    @APIResponse(responseCode = "409", description = "The warrant was not claimed by this agent")
    @POST
    @Path("/executions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.AGENT)
    public Response report(ReportRequest request) {
        requireFollowed();
        if (request == null || request.report() == null) {
            throw new ProblemException(400, "Invalid report", "report (the signed execution report) is required");
        }
        ExecutionReported event = reports.accept(agent(), request.report(), request.output());
        publisher.publish(Topics.EXECUTIONS, event.getIntentId(), event, config.publishTimeout());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("eventId", event.getEventId());
        answer.put("warrantId", event.getWarrantId());
        answer.put("status", event.getStatus().name());
        return Response.accepted(answer).build();
    }

    private void requireFollowed() {
        if (!warrants.ready()) {
            throw ProblemException.unavailable(
                    "Not ready",
                    "the warrants, their claims or revocations are not read to their end yet; retry",
                    Duration.ofSeconds(1));
        }
    }

    private AgentChanged agent() {
        return identity.getAttribute(AgentApiKeyAuthentication.AGENT_ATTRIBUTE);
    }
}
