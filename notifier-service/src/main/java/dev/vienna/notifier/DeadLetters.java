package dev.vienna.notifier;

/**
 * Where a notification that cannot be delivered goes: {@code dead-letter}, with its original key and value and the
 * reason ({@code vienna.dlq.*} headers).
 */
@FunctionalInterface
public interface DeadLetters {

    /**
     * Writes the dead letter and returns once it is acknowledged.
     *
     * @throws RuntimeException when it was not written; the caller tries again later
     */
    void deadLetter(String key, byte[] value, String reason, String sourceTopic, int partition, long offset);
}
