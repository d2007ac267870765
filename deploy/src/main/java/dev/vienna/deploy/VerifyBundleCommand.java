package dev.vienna.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vienna.sdk.evidence.NoteVerifierKey;
import dev.vienna.sdk.kafka.audit.CheckpointKeys;
import dev.vienna.sdk.kafka.evidence.BundleReport;
import dev.vienna.sdk.kafka.evidence.BundleVerifier;
import dev.vienna.sdk.kafka.evidence.EvidenceBundles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code ./vienna audit verify-bundle FILE [--keys JWKS_OR_VKEYS] [--warrant-keys JWKS]}: checks an intent's evidence
 * bundle offline with {@link BundleVerifier} and prints one line per record, each problem, each warning and the
 * verdict. Exit 0 when the bundle is verified, 1 when it is not, 2 on a usage error (an unreadable file or key set).
 * {@code --keys} is the JWK set of audit-service's {@code GET /v1/audit/keys} (its keys' {@code vkey} members) or a
 * file of C2SP verifier keys, one a line; {@code --warrant-keys} is warrant-service's JWK set. Each is a file or an
 * http(s) URL; without them the bundle's own keys are used, and the output warns that this shows integrity, not origin.
 */
final class VerifyBundleCommand {

    private static final Set<String> OPTIONS = Set.of("--keys", "--warrant-keys", "--data");

    /** Refused input: printed, exit 2. */
    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** @param args what follows {@code audit verify-bundle} */
    static int run(List<String> args, PrintStream out, String usage) throws InterruptedException {
        if (args.isEmpty() || args.get(0).startsWith("--") || !optionsWellFormed(args.subList(1, args.size()))) {
            out.print(usage);
            return 2;
        }
        List<NoteVerifierKey> keys;
        Optional<JsonNode> warrantKeys;
        byte[] bundle;
        try {
            keys = checkpointKeys(option(args, "--keys"));
            warrantKeys = warrantKeys(option(args, "--warrant-keys"));
            bundle = readBundle(Path.of(args.get(0)));
        } catch (UsageException e) {
            out.println("verify-bundle: " + e.getMessage());
            return 2;
        }
        BundleReport report = new BundleVerifier().verify(bundle, keys, warrantKeys);
        print(report, out);
        return report.verified() ? 0 : 1;
    }

    private static void print(BundleReport report, PrintStream out) {
        report.records()
                .forEach(r -> out.printf(
                        "record %s  chain %d  sequence %d  %-18s %s%n",
                        r.recordId(), r.chain(), r.sequence(), r.eventType(), r.verdict()));
        report.problems().forEach(p -> out.println("problem: " + p));
        report.warnings().forEach(w -> out.println("warning: " + w));
        if (report.verified()) {
            out.printf(
                    "bundle: VERIFIED (%d records of intent %s, checkpoints of chains %s)%n",
                    report.records().size(),
                    report.intentId(),
                    report.chains().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        } else {
            out.println("bundle: NOT VERIFIED");
        }
    }

    private static boolean optionsWellFormed(List<String> options) {
        if (options.size() % 2 != 0) {
            return false;
        }
        for (int i = 0; i < options.size(); i += 2) {
            if (!OPTIONS.contains(options.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> option(List<String> args, String name) {
        int i = args.indexOf(name);
        return i > 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
    }

    private static List<NoteVerifierKey> checkpointKeys(Optional<String> source)
            throws UsageException, InterruptedException {
        if (source.isEmpty()) {
            return List.of();
        }
        try {
            // the same reader as audit verify's --keys: a JWK set or vkey lines, never empty
            return CheckpointKeys.parse(text(source.get()));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--keys " + source.get() + ": " + e.getMessage());
        }
    }

    private static Optional<JsonNode> warrantKeys(Optional<String> source) throws UsageException, InterruptedException {
        if (source.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode jwks = new ObjectMapper().readTree(text(source.get()));
            if (jwks == null || !jwks.path("keys").isArray()) {
                throw new UsageException("--warrant-keys " + source.get() + " is not a JWK set");
            }
            return Optional.of(jwks);
        } catch (IOException e) {
            throw new UsageException("--warrant-keys " + source.get() + " is not JSON");
        }
    }

    /** The bundle's bytes, at most one more than the verifier reads (it names a larger one). */
    private static byte[] readBundle(Path file) throws UsageException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(EvidenceBundles.MAX_BUNDLE_BYTES + 1);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** A file's text, or an http(s) URL's body. */
    private static String text(String source) throws UsageException, InterruptedException {
        try {
            return TextSources.read(source);
        } catch (IOException e) {
            throw new UsageException("cannot read " + source + ": " + e.getMessage());
        }
    }

    private VerifyBundleCommand() {}
}
