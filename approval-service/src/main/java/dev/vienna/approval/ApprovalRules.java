package dev.vienna.approval;

import dev.vienna.events.Approval;
import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalOutcome;
import dev.vienna.events.ApprovalVoteCast;
import dev.vienna.events.EventIds;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.Tier;
import dev.vienna.events.VoteDecision;
import dev.vienna.platform.security.Roles;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What makes a vote count and when an intent is decided; used by the topology (which enforces it) and by the REST API
 * (which answers the same refusal at once). A vote counts only when it comes from an operator holding the approver role
 * (and the policy's {@code approverRole}, if any), who is neither the agent nor the principal it acts for, has not
 * voted on the intent before, saw exactly the pending action (its digest), and gave a reason where one is required
 * (every DENY; every vote when the intent is T3 or the policy requires a justification, which the intent must then
 * carry). The intent is APPROVED when the policy's number of distinct approvers is reached, DENIED on the first DENY
 * (or, with {@code denyOnFirstDeny} off, when as many operators denied as approvals are required), and EXPIRED at its
 * deadline.
 *
 * @param defaultTtl the operators' time to decide per tier, when the policy sets no {@code approvalTtl}
 */
public record ApprovalRules(Function<Tier, Duration> defaultTtl, boolean denyOnFirstDeny) {

    /** The role an operator needs to vote. */
    public static final String APPROVER = Roles.APPROVER;

    public static ApprovalRules of(ApprovalConfig config) {
        return new ApprovalRules(config.ttl()::of, config.denyOnFirstDeny());
    }

    /** Why a vote does not count; {@link Kind#status} is the HTTP answer for it. */
    public record Refusal(Kind kind, String detail) {}

    /** Kinds of refusal, with the HTTP status and problem title the REST API answers. */
    public enum Kind {
        UNKNOWN_INTENT(404, "Unknown intent"),
        ALREADY_DECIDED(409, "Intent already decided"),
        EXPIRED(409, "Approval deadline passed"),
        ACTION_CHANGED(409, "Vote for another action"),
        ALREADY_VOTED(409, "Operator already voted"),
        WRONG_TENANT(409, "Vote for another tenant"),
        NOT_AUTHORIZED(403, "Not authorized to vote"),
        SELF_APPROVAL(403, "Separation of duties"),
        REASON_REQUIRED(422, "Reason required"),
        JUSTIFICATION_MISSING(422, "Justification missing");

        public final int status;
        public final String title;

        Kind(int status, String title) {
            this.status = status;
            this.title = title;
        }
    }

    /**
     * When operators must have decided: the policy's {@code approvalTtl} (ISO-8601) or the tier's default, from the
     * policy decision's time.
     */
    public Instant deadlineOf(IntentTiered tiered) {
        Duration ttl = defaultTtl.apply(tiered.getTier());
        if (tiered.getApprovalTtl() != null) {
            try {
                Duration asked = Duration.parse(tiered.getApprovalTtl());
                ttl = asked.isNegative() || asked.isZero() ? ttl : asked;
            } catch (DateTimeParseException e) {
                // an unreadable TTL from the policy falls back to the tier's default
            }
        }
        return tiered.getOccurredAt().plus(ttl);
    }

    /** T3 intents and those whose policy says so need the intent's justification and a reason on every vote. */
    public static boolean justificationRequired(IntentTiered tiered) {
        return tiered.getTier() == Tier.T3 || tiered.getJustificationRequired();
    }

    /**
     * Why {@code vote} cannot count for the intent in {@code state} (null: unknown) at {@code now}; empty when it
     * counts.
     */
    public Optional<Refusal> refusal(ApprovalState state, ApprovalVoteCast vote, Instant now) {
        if (state == null) {
            return refuse(
                    Kind.UNKNOWN_INTENT,
                    "no approval is held for intent " + vote.getIntentId()
                            + " (unknown, or decided longer ago than decisions are kept)");
        }
        if (state.decided()) {
            return refuse(
                    Kind.ALREADY_DECIDED,
                    "intent " + state.intentId() + " was " + state.decision().getOutcome() + " at "
                            + state.decision().getOccurredAt() + "; votes are no longer taken");
        }
        if (!now.isBefore(state.deadline())) {
            return refuse(Kind.EXPIRED, "intent " + state.intentId() + " had to be decided by " + state.deadline());
        }
        IntentTiered tiered = state.tiered();
        if (!tiered.getTenantId().equals(vote.getTenantId())) {
            return refuse(
                    Kind.WRONG_TENANT,
                    "the vote names tenant " + vote.getTenantId() + ", the intent belongs to " + tiered.getTenantId());
        }
        String operator = vote.getOperatorId();
        if (!vote.getRoles().contains(APPROVER)) {
            return refuse(Kind.NOT_AUTHORIZED, "operator " + operator + " does not hold the role " + APPROVER);
        }
        if (tiered.getApproverRole() != null && !vote.getRoles().contains(tiered.getApproverRole())) {
            return refuse(
                    Kind.NOT_AUTHORIZED,
                    "the policy requires the role " + tiered.getApproverRole() + ", which operator " + operator
                            + " does not hold");
        }
        var intent = tiered.getIntent();
        if (same(operator, intent.getOwner())
                || same(operator, intent.getAgentId())
                || intent.getOwners().stream().anyMatch(owner -> same(operator, owner))) {
            return refuse(
                    Kind.SELF_APPROVAL,
                    "operator " + operator
                            + " is the agent or the principal it acts for and may not vote on its intent");
        }
        if (state.votes().stream().anyMatch(v -> same(v.getOperatorId(), operator))) {
            return refuse(
                    Kind.ALREADY_VOTED,
                    "operator " + operator + " already voted on intent " + state.intentId() + "; a vote counts once");
        }
        if (!state.actionDigest().equals(vote.getActionDigest())) {
            return refuse(
                    Kind.ACTION_CHANGED,
                    "the vote was cast on action digest " + vote.getActionDigest() + ", the pending action's digest is "
                            + state.actionDigest());
        }
        boolean strict = justificationRequired(tiered);
        if (blank(vote.getReason()) && (strict || vote.getDecision() == VoteDecision.DENY)) {
            return refuse(
                    Kind.REASON_REQUIRED,
                    strict
                            ? "every vote on a " + tiered.getTier() + " intent needs a reason"
                            : "a DENY needs a reason");
        }
        if (strict && vote.getDecision() == VoteDecision.APPROVE && blank(intent.getJustification())) {
            return refuse(
                    Kind.JUSTIFICATION_MISSING,
                    "a " + tiered.getTier()
                            + " intent can only be approved with the agent's justification, and this one has none");
        }
        return Optional.empty();
    }

    /** The outcome the counted votes reach, if any. */
    public Optional<ApprovalOutcome> outcome(ApprovalState state) {
        int required = Math.max(1, state.tiered().getRequiredApprovals());
        int denials = state.denials().size();
        if (denials > 0 && (denyOnFirstDeny || denials >= required)) {
            return Optional.of(ApprovalOutcome.DENIED);
        }
        return state.approvals().size() >= required ? Optional.of(ApprovalOutcome.APPROVED) : Optional.empty();
    }

    /** The decision for {@code state}, made by the operators' votes or by the deadline passing. */
    public static ApprovalDecided decide(ApprovalState state, ApprovalOutcome outcome, Instant at) {
        IntentTiered tiered = state.tiered();
        String reason = switch (outcome) {
            case APPROVED ->
                "quorum of " + state.approvals().size() + " distinct approver(s) reached: "
                        + operators(state.approvals());
            case DENIED ->
                "denied by " + operators(state.denials()) + ": "
                        + String.join(
                                "; ",
                                state.denials().stream()
                                        .map(ApprovalVoteCast::getReason)
                                        .toList());
            case EXPIRED ->
                "expired at " + state.deadline() + " with " + state.approvals().size() + " of "
                        + tiered.getRequiredApprovals() + " approval(s)";
        };
        return base(tiered, outcome, at)
                .setAutomatic(outcome == ApprovalOutcome.EXPIRED)
                .setApprovals(consents(state.approvals()))
                .setDenials(consents(state.denials()))
                .setReason(reason)
                .build();
    }

    /**
     * The decision for an intent no operator needs to see: what the policy denied, or what needs no approval. Made at
     * the policy decision's time ({@code occurredAt} of the tiered event), never the clock's, so deciding the same
     * tiered event again gives the identical decision (event id and times) and, downstream, the identical warrant.
     */
    public static ApprovalDecided decideAutomatically(IntentTiered tiered, ApprovalOutcome outcome) {
        return base(tiered, outcome, tiered.getOccurredAt())
                .setAutomatic(true)
                .setApprovals(List.of())
                .setDenials(List.of())
                .setReason(
                        outcome == ApprovalOutcome.DENIED
                                ? "denied by policy " + tiered.getPolicyVersion()
                                : "no operator approval required")
                .build();
    }

    private static ApprovalDecided.Builder base(IntentTiered tiered, ApprovalOutcome outcome, Instant at) {
        return ApprovalDecided.newBuilder()
                .setEventId(EventIds.of(tiered.getIntentId(), "approval"))
                .setIntentId(tiered.getIntentId())
                .setTenantId(tiered.getTenantId())
                .setOccurredAt(at.truncatedTo(ChronoUnit.MILLIS))
                .setIntent(tiered.getIntent())
                .setOutcome(outcome)
                .setTier(tiered.getTier())
                .setMode(tiered.getMode())
                .setConstraints(tiered.getConstraints())
                .setPolicyVersion(tiered.getPolicyVersion());
    }

    private static List<Approval> consents(List<ApprovalVoteCast> votes) {
        return votes.stream()
                .map(v -> new Approval(v.getOperatorId(), v.getReason(), v.getOccurredAt()))
                .toList();
    }

    private static String operators(List<ApprovalVoteCast> votes) {
        return String.join(
                ", ", votes.stream().map(ApprovalVoteCast::getOperatorId).toList());
    }

    private static boolean same(String operator, String principal) {
        return principal != null
                && operator.trim()
                        .toLowerCase(Locale.ROOT)
                        .equals(principal.trim().toLowerCase(Locale.ROOT));
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static Optional<Refusal> refuse(Kind kind, String detail) {
        return Optional.of(new Refusal(kind, detail));
    }
}
