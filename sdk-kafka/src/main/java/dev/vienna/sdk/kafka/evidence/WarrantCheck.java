package dev.vienna.sdk.kafka.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vienna.events.AuditRecord;
import dev.vienna.events.AvroSerde;
import dev.vienna.events.Topics;
import dev.vienna.events.WarrantIssued;
import dev.vienna.sdk.kafka.evidence.BundleProblem.Kind;
import dev.vienna.sdk.kafka.evidence.EvidenceBundle.BundledWarrant;
import dev.vienna.sdk.warrant.ConstraintEvaluator;
import dev.vienna.sdk.warrant.WarrantClaims;
import dev.vienna.sdk.warrant.WarrantKeyRing;
import dev.vienna.sdk.warrant.WarrantVerifier;
import java.nio.ByteBuffer;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The bundle's warrant: its JWS signed by a warrant key ({@link WarrantVerifier#verifySignature}, which ignores expiry:
 * an old bundle's warrant has expired), its claims naming the bundle's intent, warrant id and tenant, and its token the
 * one the log recorded in the intent's {@code WarrantIssued} record, when the bundle holds that record.
 */
final class WarrantCheck {

    static final String WARRANT_ISSUED = "WarrantIssued";

    private final EvidenceBundle bundle;
    private final AuditRecord[] decoded;
    private final boolean[] intact;
    private final BundleJson.Problems problems;
    private final Consumer<String> warnings;

    /**
     * @param decoded the bundle's records as decoded (null where unreadable)
     * @param intact whether each record's content gave the hash it carries
     */
    WarrantCheck(
            EvidenceBundle bundle,
            AuditRecord[] decoded,
            boolean[] intact,
            BundleJson.Problems problems,
            Consumer<String> warnings) {
        this.bundle = bundle;
        this.decoded = decoded;
        this.intact = intact;
        this.problems = problems;
        this.warnings = warnings;
    }

    void check(Optional<JsonNode> trustedJwks) {
        List<WarrantIssued> logged = loggedWarrants();
        BundledWarrant warrant = bundle.warrant();
        if (warrant == null) {
            if (!logged.isEmpty()) {
                problems.add(
                        Kind.WARRANT_NOT_IN_LOG,
                        "warrant",
                        "the log recorded warrant "
                                + BundleJson.quoted(logged.get(0).getWarrantId())
                                + " of the intent; the bundle has none");
            }
            return;
        }
        WarrantClaims claims = verifiedClaims(warrant, trustedJwks);
        if (claims != null) {
            if (!Objects.equals(claims.intentId(), bundle.intentId())) {
                problems.add(
                        Kind.FOREIGN_WARRANT,
                        "warrant",
                        "a warrant of another intent (" + BundleJson.quoted(String.valueOf(claims.intentId())) + ")");
            }
            List<String> differences = new ArrayList<>();
            if (!Objects.equals(claims.warrantId(), warrant.warrantId())) {
                differences.add("the bundle says warrantId " + BundleJson.quoted(warrant.warrantId()) + ", the token "
                        + BundleJson.quoted(String.valueOf(claims.warrantId())));
            }
            if (!Objects.equals(claims.tenantId(), bundle.tenantId())) {
                differences.add("the bundle's tenant is " + BundleJson.quoted(String.valueOf(bundle.tenantId()))
                        + ", the token's " + BundleJson.quoted(String.valueOf(claims.tenantId())));
            }
            if (!differences.isEmpty()) {
                problems.add(Kind.FIELD_MISMATCH, "warrant", String.join("; ", differences));
            }
        }
        if (logged.isEmpty()) {
            warnings.accept("the warrant is not among the bundle's records (no WarrantIssued record of the intent):"
                    + " it is checked by its signature only");
        } else if (logged.stream().noneMatch(w -> w.getToken().equals(warrant.token()))) {
            problems.add(
                    Kind.WARRANT_NOT_IN_LOG,
                    "warrant",
                    "not the warrant the log recorded for the intent ("
                            + BundleJson.quoted(logged.get(0).getWarrantId()) + ")");
        }
    }

    /** The claims of a warrant whose signature verified; null (the problem named) otherwise. */
    private WarrantClaims verifiedClaims(BundledWarrant warrant, Optional<JsonNode> trustedJwks) {
        JsonNode jwks = trustedJwks.orElse(warrant.jwks());
        if (trustedJwks.isEmpty()) {
            warnings.accept("the warrant was checked with the bundle's own warrant keys: pass warrant-service's JWK"
                    + " set (/.well-known/jwks.json) to check who signed it");
        }
        if (jwks == null) {
            problems.add(Kind.WARRANT_UNKNOWN_KEY, "warrant", "no warrant keys to check it with");
            return null;
        }
        WarrantKeyRing ring;
        try {
            ring = WarrantKeyRing.fromJwks(jwks.toString());
        } catch (ParseException | RuntimeException e) {
            problems.add(Kind.WARRANT_UNKNOWN_KEY, "warrant", "the warrant keys are not a JWK set");
            return null;
        }
        WarrantVerifier.Verification verification = new WarrantVerifier(
                        ring,
                        Clock.systemUTC(),
                        Duration.ZERO,
                        WarrantVerifier.Revocations.NONE,
                        WarrantVerifier.SingleUse.NOT_TRACKED,
                        ConstraintEvaluator.UNAVAILABLE)
                .verifySignature(warrant.token());
        if (verification.valid()) {
            return verification.claims();
        }
        Kind kind = switch (verification.reason()) {
            case UNKNOWN_KEY -> Kind.WARRANT_UNKNOWN_KEY;
            case MALFORMED -> Kind.MALFORMED;
            default -> Kind.WARRANT_BAD_SIGNATURE;
        };
        problems.add(kind, "warrant", verification.reason() + ": " + verification.detail());
        return null;
    }

    /** The warrants in the intent's intact WarrantIssued records. */
    private List<WarrantIssued> loggedWarrants() {
        AvroSerde<WarrantIssued> serde = new AvroSerde<>(WarrantIssued.class);
        List<WarrantIssued> warrants = new ArrayList<>();
        for (int i = 0; i < decoded.length; i++) {
            AuditRecord a = decoded[i];
            if (a == null
                    || !intact[i]
                    || !Objects.equals(a.getIntentId(), bundle.intentId())
                    || !WARRANT_ISSUED.equals(a.getEventType())
                    || !Topics.WARRANTS.name().equals(a.getSourceTopic())) {
                continue;
            }
            ByteBuffer payload = a.getPayload().duplicate();
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            try {
                warrants.add(serde.decode(bytes));
            } catch (RuntimeException e) {
                warnings.accept("records[" + i + "] (" + a.getRecordId()
                        + "): its WarrantIssued payload cannot be read, so the warrant is not compared with it");
            }
        }
        return warrants;
    }
}
