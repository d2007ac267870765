package dev.vienna.sdk.kafka.audit;

import dev.vienna.events.AuditRecord;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.evidence.TreeHasher;
import dev.vienna.sdk.kafka.audit.AuditProblem.Kind;
import dev.vienna.sdk.kafka.audit.AuditProblem.Severity;
import dev.vienna.sdk.kafka.audit.AuditVerification.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Verifies an audit log from its raw records: every record of every chain (decoding, sequence, id and key, previous
 * hash, content hash), and every chain against every trusted checkpoint of it (the RFC 9162 root of the chain's first
 * {@code size} records from the checkpoint's first sequence must be the checkpoint's). Streams: give it every
 * checkpoint record first ({@link #checkpoint}), then the audit records in partition order ({@link #record}; chains may
 * interleave, each chain's records must come in offset order), then call {@link #finish} with the audit topic's
 * partition count. Memory is one Merkle frontier and one hash per chain, plus the checkpoints.
 *
 * <p>Never throws on what it reads: garbage, tombstones, huge lengths, forged notes all become {@link AuditProblem}s of
 * a named kind. The log is intact when no problem is a failure. Two things are warnings, not failures: records after a
 * chain's newest checkpoint (counted per chain: the next checkpoint will cover them), and a chain with records but no
 * trusted checkpoint at all ({@link AuditProblem.Kind#NO_CHECKPOINT}), unless {@link Settings#requireCheckpoints()}: a
 * log older than checkpoints, or a chain written since the last one, still verifies by its hash chain, but removed
 * records at its end would not show, so an auditor of a checkpointing deployment should require them. An empty log
 * never verifies.
 *
 * <p>One instance verifies one log, on one thread.
 */
public final class AuditLogVerifier {

    /** The checkpoint extension line naming the sequence of the tree's leaf 0, when it is not 0. */
    public static final String FIRST_SEQUENCE_EXTENSION = "vienna-first-sequence";

    /**
     * What to trust and how strict to be.
     *
     * @param trustedKeys the keys whose checkpoint signatures are trusted (audit-service's checkpoint key)
     * @param deployment the deployment whose chains these are; when empty, the first trusted checkpoint's
     * @param requireCheckpoints whether a chain with records but no trusted checkpoint fails verification
     * @param maxProblemsPerChain record problems listed per chain; more are counted only
     */
    public record Settings(
            List<NoteVerifierKey> trustedKeys,
            Optional<String> deployment,
            boolean requireCheckpoints,
            int maxProblemsPerChain) {

        public Settings {
            trustedKeys = List.copyOf(trustedKeys);
            Objects.requireNonNull(deployment, "deployment");
            if (maxProblemsPerChain < 1) {
                throw new IllegalArgumentException("list at least one problem per chain");
            }
        }

        /** Trusting {@code keys}, any deployment, checkpoints not required, 100 problems per chain. */
        public static Settings trusting(List<NoteVerifierKey> keys) {
            return new Settings(keys, Optional.empty(), false, 100);
        }

        public Settings forDeployment(String name) {
            return new Settings(trustedKeys, Optional.of(name), requireCheckpoints, maxProblemsPerChain);
        }

        public Settings requiringCheckpoints(boolean required) {
            return new Settings(trustedKeys, deployment, required, maxProblemsPerChain);
        }
    }

    private final Settings settings;
    private final CheckpointRecords checkpointRecords;
    private final StrictAvroDecoder<AuditRecord> decoder = new StrictAvroDecoder<>(AuditRecord.class);
    private final CanonicalForm canonical = new CanonicalForm();
    private final TreeHasher hasher = new TreeHasher();
    private final byte[] contentHash = new byte[TreeHasher.HASH_SIZE];
    private final Map<Integer, List<CheckpointRecords.Trusted>> trusted = new HashMap<>();
    private final List<AuditProblem> checkpointProblems = new ArrayList<>();
    private final Map<Integer, ChainVerification> chains = new TreeMap<>();
    private ChainVerification current;
    private AuditRecord reuse;
    private long records;
    private long checkpoints;
    private long moreCheckpointProblems;
    private boolean finished;

    public AuditLogVerifier(Settings settings) {
        this.settings = settings;
        this.checkpointRecords = new CheckpointRecords(settings.trustedKeys(), settings.deployment());
    }

    /** Verifies a log held in memory; for tests and small logs. */
    public static AuditVerification verify(
            Settings settings,
            Iterable<RawRecord> checkpointRecords,
            Iterable<RawRecord> auditRecords,
            int partitions) {
        AuditLogVerifier verifier = new AuditLogVerifier(settings);
        checkpointRecords.forEach(verifier::checkpoint);
        auditRecords.forEach(verifier::record);
        return verifier.finish(partitions);
    }

    /**
     * Takes one record of the checkpoints topic.
     *
     * @throws IllegalStateException after the first audit record: the chains are checked against checkpoints as they
     *     stream, so every checkpoint must be known first
     */
    public void checkpoint(RawRecord raw) {
        if (!chains.isEmpty() || finished) {
            throw new IllegalStateException("give every checkpoint before the first audit record");
        }
        checkpoints++;
        checkpointRecords
                .judge(raw, problem -> {
                    if (checkpointProblems.size() < 10 * settings.maxProblemsPerChain()) {
                        checkpointProblems.add(problem);
                    } else {
                        moreCheckpointProblems++;
                    }
                })
                .ifPresent(c -> trusted.computeIfAbsent(c.chain(), k -> new ArrayList<>())
                        .add(c));
    }

    /** Takes the next audit record of its partition. */
    public void record(RawRecord raw) {
        if (finished) {
            throw new IllegalStateException("the verification is finished");
        }
        records++;
        ChainVerification chain = chainOf(raw.partition());
        if (raw.value() == null) {
            chain.tombstone(raw);
            return;
        }
        if (!decoder.decode(raw.value(), reuse)) {
            chain.undecodable(raw, decoder.problem());
            return;
        }
        AuditRecord r = decoder.decoded();
        reuse = r;
        canonical.hashInto(r, contentHash);
        chain.record(raw, r, contentHash);
    }

    private ChainVerification chainOf(int partition) {
        if (current == null || current.chain() != partition) {
            current = chains.computeIfAbsent(
                    partition,
                    p -> new ChainVerification(
                            p, trusted.getOrDefault(p, List.of()), hasher, settings.maxProblemsPerChain()));
        }
        return current;
    }

    /**
     * Ends the verification: names what the records do not match (checkpoints beyond a chain's end or with another
     * root, chains that checkpoints name and that have no record, an empty log) and sums up each chain.
     *
     * @param partitions the audit topic's partition count (0 when it does not exist)
     */
    public AuditVerification finish(int partitions) {
        finished = true;
        List<AuditProblem> problems = new ArrayList<>();
        List<AuditVerification.Chain> summaries = new ArrayList<>();
        TreeSet<Integer> numbers = new TreeSet<>(chains.keySet());
        numbers.addAll(trusted.keySet());
        for (int p = 0; p < partitions; p++) {
            numbers.add(p);
        }
        for (int number : numbers) {
            List<AuditProblem> chainProblems = new ArrayList<>();
            ChainVerification chain = chains.get(number);
            ChainVerification.ChainSummary summary;
            if (chain != null) {
                summary = chain.finish(settings.requireCheckpoints());
                chainProblems.addAll(summary.problems());
            } else {
                summary = missing(number, partitions, chainProblems);
            }
            checkpointProblems.stream().filter(p -> p.chain() == number).forEach(chainProblems::add);
            problems.addAll(chainProblems);
            summaries.add(new AuditVerification.Chain(
                    number,
                    summary.records(),
                    summary.checkpoints(),
                    summary.newestCheckpointSize(),
                    summary.notYetCheckpointed(),
                    summary.moreProblems(),
                    status(summary, chainProblems)));
        }
        checkpointProblems.stream().filter(p -> !numbers.contains(p.chain())).forEach(problems::add);
        if (moreCheckpointProblems > 0) {
            problems.add(new AuditProblem(
                    Kind.CHECKPOINT_MALFORMED,
                    Severity.FAILURE,
                    -1,
                    -1,
                    null,
                    null,
                    moreCheckpointProblems + " more checkpoint records have problems (not listed)"));
        }
        if (records == 0) {
            problems.add(new AuditProblem(
                    Kind.EMPTY_LOG,
                    Severity.FAILURE,
                    -1,
                    -1,
                    null,
                    null,
                    partitions == 0
                            ? "the audit topic does not exist or has no partition"
                            : "the audit topic's " + partitions + " partitions hold no record: there is nothing to"
                                    + " verify"));
        }
        return new AuditVerification(records, checkpoints, partitions, summaries, problems);
    }

    /** A chain without records: missing when a trusted checkpoint says it had some, or its partition is gone. */
    private ChainVerification.ChainSummary missing(int number, int partitions, List<AuditProblem> problems) {
        List<CheckpointRecords.Trusted> checkpoints = trusted.getOrDefault(number, List.of());
        long newest = checkpoints.stream()
                .mapToLong(CheckpointRecords.Trusted::size)
                .max()
                .orElse(-1);
        if (number >= partitions) {
            problems.add(new AuditProblem(
                    Kind.MISSING_CHAIN,
                    Severity.FAILURE,
                    number,
                    -1,
                    null,
                    null,
                    "checkpoints name chain " + number + " but the audit topic has " + partitions
                            + " partitions: the chain is gone"));
        } else if (newest > 0) {
            CheckpointRecords.Trusted largest = checkpoints.stream()
                    .filter(c -> c.size() == newest)
                    .findFirst()
                    .orElseThrow();
            problems.add(new AuditProblem(
                    Kind.MISSING_CHAIN,
                    Severity.FAILURE,
                    number,
                    -1,
                    null,
                    largest.where(),
                    "partition " + number + " holds no record, but " + largest.describe() + " commits to " + newest
                            + ": the chain was deleted"));
        }
        return new ChainVerification.ChainSummary(number, 0, checkpoints.size(), newest, 0, 0, List.of());
    }

    private static Status status(ChainVerification.ChainSummary summary, List<AuditProblem> problems) {
        if (problems.stream().anyMatch(p -> p.kind() == Kind.MISSING_CHAIN)) {
            return Status.MISSING;
        }
        if (problems.stream().anyMatch(AuditProblem::failure) || summary.moreProblems() > 0) {
            return Status.BROKEN;
        }
        if (summary.records() == 0 && summary.checkpoints() == 0) {
            return Status.EMPTY;
        }
        return summary.checkpoints() == 0 ? Status.NOT_CHECKPOINTED : Status.INTACT;
    }
}
