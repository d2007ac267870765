package dev.vienna.policy;

import dev.vienna.events.Tier;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/** policy-service settings ({@code vienna.policy.*}). */
@ConfigMapping(prefix = "vienna.policy")
public interface PolicyConfig {

  /** Tier of an action the table does not list. */
  @WithDefault("T2")
  Tier defaultTier();

  /** Action name -> tier. */
  Map<String, Tier> tiers();

  /** Operator approvals a T2 intent needs. */
  @WithDefault("1")
  int approvalsT2();

  /** Operator approvals a T3 intent needs (distinct operators). */
  @WithDefault("2")
  int approvalsT3();
}
