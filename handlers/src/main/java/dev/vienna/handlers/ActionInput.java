package dev.vienna.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One action to run, exactly as its warrant authorized it. {@code params} is the intent's params JSON object (never
 * null; may be empty); {@code deadline} is the warrant's expiry: no action runs past it.
 */
public record ActionInput(
        String warrantId,
        String intentId,
        String agentId,
        String action,
        String resource,
        JsonNode params,
        Instant deadline) {}
