package dev.vienna.executor;

import dev.vienna.sdk.WarrantClaims;
import dev.vienna.sdk.WarrantVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The warrant ids this executor has run, so a replayed warrant is refused. Entries are forgotten
 * once their warrant has expired (an expired warrant is refused anyway). In memory: a restart
 * forgets them, so this is single use per executor process until the durable ledger replaces it.
 */
final class ConsumedWarrants implements WarrantVerifier.SingleUse {

  private final Map<String, Instant> expiryById = new HashMap<>();
  private final Clock clock;

  ConsumedWarrants(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized boolean claim(WarrantClaims claims) {
    Instant now = clock.instant();
    expiryById.values().removeIf(expiry -> expiry.isBefore(now.minusSeconds(3600)));
    return expiryById.putIfAbsent(claims.warrantId(), claims.expiresAt()) == null;
  }
}
