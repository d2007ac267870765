package dev.vienna.notifier;

import java.time.Instant;

/**
 * One notification read from {@code notifications}, to be delivered to every endpoint that takes its kind; {@code done}
 * is run once per endpoint when that endpoint's delivery is finished (delivered, or given up and dead-lettered).
 *
 * @param notification the notification
 * @param body the record's value: the Standard Webhooks body, byte for byte
 * @param partition where it was read ...
 * @param offset ... and at which offset
 * @param derivedAt the record's timestamp: the age of a delivery counts from here, across restarts
 * @param done called when one endpoint is finished with it
 */
record Delivery(Notification notification, byte[] body, int partition, long offset, Instant derivedAt, Runnable done) {}
