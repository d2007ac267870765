package dev.vienna.sdk.kafka.audit;

/**
 * One Kafka record as it is stored, before any decoding: what a verifier must judge, tombstones included.
 *
 * @param partition the partition it was read from
 * @param offset its offset there
 * @param key the key's bytes, null when it has none
 * @param value the value's bytes, null for a tombstone
 */
public record RawRecord(int partition, long offset, byte[] key, byte[] value) {}
