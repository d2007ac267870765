package dev.vienna.deploy;

import dev.vienna.events.Topics;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.kafka.audit.AuditLogReader;
import dev.vienna.sdk.kafka.audit.AuditLogVerifier;
import dev.vienna.sdk.kafka.audit.AuditProblem;
import dev.vienna.sdk.kafka.audit.AuditVerification;
import dev.vienna.sdk.kafka.audit.CheckpointKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./vienna audit verify}: reads the audit log and its checkpoints as the vienna-auditor principal, verifies
 * every chain against every checkpoint signed by a trusted key, and prints each chain's state, each problem by kind,
 * and {@code audit: chain intact} (exit 0) or {@code audit: CHAIN BROKEN} (exit 1). The trusted keys come from
 * {@code --keys} (a file or an http(s) URL: audit-service's {@code GET /v1/audit/keys} JWK set, or vkey lines), or, for
 * the local stack, from the checkpoint signing key its launcher keeps in {@code <data>/keys}; without either it refuses
 * to run (exit 2), since a checkpoint checked against no key proves nothing.
 */
final class AuditVerify {

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param kafka the auditor's client settings
     * @param keys {@code --keys}: a file path or an http(s) URL
     * @param deployment {@code --deployment}; else the name of the trusted keys, {@code <deployment>/audit}
     * @param requireCheckpoints {@code --require-checkpoints}: a chain with no checkpoint fails
     */
    static int run(
            Map<String, Object> kafka,
            Optional<String> keys,
            Optional<String> deployment,
            boolean requireCheckpoints,
            Path dataDir,
            PrintStream out)
            throws IOException, InterruptedException {
        List<NoteVerifierKey> trusted;
        try {
            trusted = keys.isPresent() ? fetch(keys.get()) : localKey(dataDir, out);
        } catch (IllegalArgumentException e) {
            out.println("audit: cannot use the checkpoint keys: " + e.getMessage());
            return 2;
        }
        if (trusted.isEmpty()) {
            out.println("audit: no checkpoint key: pass --keys FILE_OR_URL (audit-service's GET /v1/audit/keys, or"
                    + " vkey lines); only the local stack's key is found without it ("
                    + ViennaStack.checkpointKeyFile(dataDir) + ")");
            return 2;
        }
        Optional<String> expected = deployment.or(() -> deploymentOf(trusted));
        out.println("audit: trusting checkpoints signed by " + trusted
                + expected.map(d -> " for deployment " + d).orElse(""));
        AuditLogVerifier.Settings settings =
                AuditLogVerifier.Settings.trusting(trusted).requiringCheckpoints(requireCheckpoints);
        settings = expected.map(settings::forDeployment).orElse(settings);
        long started = System.nanoTime();
        AuditVerification verification = AuditLogReader.verify(
                kafka, Topics.AUDIT.name(), Topics.AUDIT_CHECKPOINTS.name(), settings, IDLE_TIMEOUT);
        double seconds = (System.nanoTime() - started) / 1e9;
        print(verification, seconds, out);
        return verification.intact() ? 0 : 1;
    }

    static void print(AuditVerification verification, double seconds, PrintStream out) {
        out.printf(
                "audit: read and verified %d records and %d checkpoints in %.1f s (%,.0f records/s)%n",
                verification.records(),
                verification.checkpointRecords(),
                seconds,
                verification.records() / Math.max(seconds, 1e-3));
        for (AuditVerification.Chain chain : verification.chains()) {
            out.printf(
                    "audit: chain %d: %d records, newest checkpoint %s, %s%s%n",
                    chain.chain(),
                    chain.records(),
                    chain.newestCheckpointSize() < 0 ? "none" : chain.newestCheckpointSize() + " records",
                    chain.status(),
                    chain.notYetCheckpointed() > 0 && chain.newestCheckpointSize() >= 0
                            ? " (" + chain.notYetCheckpointed() + " records not yet checkpointed)"
                            : "");
            if (chain.moreProblems() > 0) {
                out.printf("audit: chain %d: %d more problems not listed%n", chain.chain(), chain.moreProblems());
            }
        }
        for (AuditProblem problem : verification.problems()) {
            out.println("audit: " + problem);
        }
        long chains =
                verification.chains().stream().filter(c -> c.records() > 0).count();
        out.printf("audit: %d records in %d chains%n", verification.records(), chains);
        out.println(verification.intact() ? "audit: chain intact" : "audit: CHAIN BROKEN");
    }

    /** The keys in a file, or at an http(s) URL. */
    private static List<NoteVerifierKey> fetch(String source) throws IOException, InterruptedException {
        return CheckpointKeys.parse(TextSources.read(source));
    }

    /** The public half of the local stack's checkpoint key, when its launcher made one; else none. */
    private static List<NoteVerifierKey> localKey(Path dataDir, PrintStream out) {
        return ViennaStack.checkpointVerifierKey(dataDir)
                .map(key -> {
                    out.println("audit: using the local stack's checkpoint key from "
                            + ViennaStack.checkpointKeyFile(dataDir));
                    return List.of(key);
                })
                .orElse(List.of());
    }

    /** The deployment the keys are named for, {@code <deployment>/audit}, when they all name the same one. */
    static Optional<String> deploymentOf(List<NoteVerifierKey> keys) {
        List<String> deployments = keys.stream()
                .map(NoteVerifierKey::name)
                .map(name -> name.endsWith("/audit") ? name.substring(0, name.length() - "/audit".length()) : null)
                .distinct()
                .toList();
        return deployments.size() == 1
                        && deployments.get(0) != null
                        && !deployments.get(0).isEmpty()
                ? Optional.of(deployments.get(0))
                : Optional.empty();
    }

    private AuditVerify() {}
}
