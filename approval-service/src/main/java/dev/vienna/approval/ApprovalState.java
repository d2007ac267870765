package dev.vienna.approval;

import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalVoteCast;
import dev.vienna.events.IntentTiered;
import dev.vienna.events.VoteDecision;
import dev.vienna.sdk.canonical.ActionRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One intent held for operators, as the {@value ApprovalTopology#APPROVALS_STORE} store keeps it: the policy's verdict,
 * the deadline, the votes that counted (in arrival order) and, once decided, the decision. Refused votes are not kept
 * here; they go to the dead-letter topic.
 *
 * @param decision null while the intent is pending
 */
public record ApprovalState(
        IntentTiered tiered, Instant deadline, List<ApprovalVoteCast> votes, ApprovalDecided decision) {

    public ApprovalState {
        votes = List.copyOf(votes);
    }

    static ApprovalState pending(IntentTiered tiered, Instant deadline) {
        return new ApprovalState(tiered, deadline, List.of(), null);
    }

    public String intentId() {
        return tiered.getIntentId();
    }

    public boolean decided() {
        return decision != null;
    }

    /** The action the operators are asked about, as its digest (sdk {@link ActionRequest}). */
    public String actionDigest() {
        var intent = tiered.getIntent();
        return new ActionRequest(intent.getAgentId(), intent.getAction(), intent.getResource(), intent.getParamsJson())
                .digest();
    }

    public List<ApprovalVoteCast> approvals() {
        return votes.stream()
                .filter(v -> v.getDecision() == VoteDecision.APPROVE)
                .toList();
    }

    public List<ApprovalVoteCast> denials() {
        return votes.stream().filter(v -> v.getDecision() == VoteDecision.DENY).toList();
    }

    ApprovalState withVote(ApprovalVoteCast vote) {
        List<ApprovalVoteCast> more = new ArrayList<>(votes);
        more.add(vote);
        return new ApprovalState(tiered, deadline, more, decision);
    }

    ApprovalState withDecision(ApprovalDecided decided) {
        return new ApprovalState(tiered, deadline, votes, decided);
    }
}
