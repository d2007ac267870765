package dev.vienna.policy;

import dev.vienna.events.ExecutionMode;
import dev.vienna.events.Intent;
import dev.vienna.events.PolicyDecision;
import dev.vienna.events.Tier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rule of this stage: an intent's tier is its action's entry in the table, or the default tier
 * for an unlisted action. T0/T1 run DIRECT with no approval; T2/T3 go PASSBACK and need the
 * configured number of operator approvals. The version is a content hash of the table.
 */
public final class TierTable {

  private final Map<String, Tier> tiers;
  private final Tier defaultTier;
  private final int approvalsT2;
  private final int approvalsT3;
  private final String version;

  public TierTable(Map<String, Tier> tiers, Tier defaultTier, int approvalsT2, int approvalsT3) {
    this.tiers = Map.copyOf(tiers);
    this.defaultTier = defaultTier;
    this.approvalsT2 = approvalsT2;
    this.approvalsT3 = approvalsT3;
    this.version = contentHash(new TreeMap<>(tiers) + "|" + defaultTier + "|" + approvalsT2 + "|" + approvalsT3);
  }

  public static TierTable from(PolicyConfig config) {
    return new TierTable(config.tiers(), config.defaultTier(), config.approvalsT2(), config.approvalsT3());
  }

  public Classification classify(Intent intent) {
    Tier listed = tiers.get(intent.getAction());
    Tier tier = listed == null ? defaultTier : listed;
    String reason = listed == null
        ? "action '" + intent.getAction() + "' is not in the tier table: default tier " + tier
        : "action '" + intent.getAction() + "' is tier " + tier + " in the tier table";
    boolean human = tier == Tier.T2 || tier == Tier.T3;
    int approvals = tier == Tier.T3 ? approvalsT3 : tier == Tier.T2 ? approvalsT2 : 0;
    return new Classification(PolicyDecision.ALLOW, tier, human ? ExecutionMode.PASSBACK : ExecutionMode.DIRECT, approvals, List.of(reason));
  }

  public String version() {
    return version;
  }

  /** The decision on one intent, with the reasons that explain it. */
  public record Classification(PolicyDecision decision, Tier tier, ExecutionMode mode, int requiredApprovals, List<String> reasons) {}

  private static String contentHash(String content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
