package dev.vienna.sdk.kafka.evidence;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link BundleVerifier} found: a verdict per record, the problems (any one means the bundle is not evidence) and
 * warnings (the bundle may be evidence, with a caveat: it was checked with its own keys).
 *
 * @param intentId the intent the bundle claims to be about (null when unreadable)
 * @param records one verdict per record, in bundle order
 * @param chains the chains whose signed checkpoints the records' proofs verified against, ascending
 * @param problems every problem found
 * @param warnings caveats that do not make the bundle fail
 */
public record BundleReport(
        String intentId,
        List<RecordVerdict> records,
        List<Integer> chains,
        List<BundleProblem> problems,
        List<String> warnings) {

    public BundleReport {
        records = List.copyOf(records);
        chains = List.copyOf(chains);
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    /** Whether the bundle is evidence: no problem at all (a bundle without records has one). */
    public boolean verified() {
        return problems.isEmpty();
    }

    /** The kinds of the problems found. */
    public Set<BundleProblem.Kind> kinds() {
        Set<BundleProblem.Kind> kinds = EnumSet.noneOf(BundleProblem.Kind.class);
        problems.forEach(problem -> kinds.add(problem.kind()));
        return kinds;
    }

    /**
     * One record's outcome.
     *
     * @param index its position in the bundle
     * @param recordId its id (as decoded, else as the bundle says, else "?")
     * @param chain its chain (-1 when unreadable)
     * @param sequence its sequence (-1 when unreadable)
     * @param eventType its event type ("?" when unreadable)
     * @param verified whether every check of this record passed
     * @param verdict "verified", or the kinds of its problems
     */
    public record RecordVerdict(
            int index, String recordId, int chain, long sequence, String eventType, boolean verified, String verdict) {}
}
