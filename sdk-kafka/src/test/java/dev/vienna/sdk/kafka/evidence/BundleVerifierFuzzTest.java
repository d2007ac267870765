package dev.vienna.sdk.kafka.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random byte mutations of a valid bundle: the verifier answers every one with a report (an exception inside it would
 * show as a "could not be checked" problem), and passes a mutated bundle only when the mutation left its evidence
 * unchanged: whitespace, or the parts that are not evidence when trusted keys are given (the export time, the bundle's
 * own checkpoint keys and warrant keys).
 */
class BundleVerifierFuzzTest {

    /** How many mutations, and from which seed: {@code -Dfuzz.mutations=100000 -Dfuzz.seed=...} to search longer. */
    private static final int MUTATIONS = Integer.getInteger("fuzz.mutations", 400);

    private static final long SEED = Long.getLong("fuzz.seed", 20261122L);

    private final EvidenceBundleFixture fixture = new EvidenceBundleFixture();
    private final BundleVerifier verifier = new BundleVerifier();

    @Test
    void shouldNeverThrowNorPassABundleWhoseEvidenceWasMutated() throws IOException {
        byte[] valid = fixture.json();
        JsonNode original = withoutNonEvidence(BundleJson.MAPPER.readTree(valid));
        Random random = new Random(SEED);
        int passed = 0;
        for (int n = 0; n < MUTATIONS; n++) {
            int at = random.nextInt(valid.length);
            byte[] mutated = mutate(valid, at, random);

            BundleReport report = verifier.verify(mutated, fixture.trustedKeys(), fixture.warrantJwks());

            assertThat(report.problems())
                    .as("mutation %d", n)
                    .noneMatch(p -> p.reason().startsWith("could not be checked"));
            if (report.verified()) {
                passed++;
                assertThat(withoutNonEvidence(BundleJson.MAPPER.readTree(mutated))
                                .equals(original))
                        .as(
                                "mutation %d of seed %d at byte %d passed, so it must have left the evidence unchanged; near"
                                        + " it: %s",
                                n,
                                SEED,
                                at,
                                new String(
                                        mutated,
                                        Math.max(0, at - 40),
                                        Math.min(80, mutated.length - Math.max(0, at - 40)),
                                        java.nio.charset.StandardCharsets.UTF_8))
                        .isTrue();
            }
        }
        assertThat(passed).as("some mutations hit whitespace or non-evidence").isLessThan(MUTATIONS / 2);
    }

    /** One of: a random byte replaced, a bit flipped, a byte deleted, the bundle truncated. */
    private static byte[] mutate(byte[] valid, int at, Random random) {
        byte[] bytes = valid.clone();
        switch (random.nextInt(4)) {
            case 0 -> bytes[at] = (byte) random.nextInt(256);
            case 1 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
            case 2 -> {
                byte[] shorter = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, shorter, 0, at);
                System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                return shorter;
            }
            default -> {
                return Arrays.copyOf(bytes, at);
            }
        }
        return bytes;
    }

    private static JsonNode withoutNonEvidence(JsonNode bundle) {
        ObjectNode copy = ((ObjectNode) bundle).deepCopy();
        copy.remove("exportedAt");
        copy.remove("checkpointKeys");
        if (copy.get("warrant") instanceof ObjectNode warrant) {
            warrant.remove("jwks");
        }
        return copy;
    }
}
