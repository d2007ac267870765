package dev.vienna.notifier;

import dev.vienna.events.Topics;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Delivers notifications to one endpoint, apart from every other: its own HTTP client, threads, queue and retry timer,
 * so a dead or slow receiver delays only itself. At most {@code concurrency} requests are in flight; a failed attempt
 * (no 2xx, a timeout, a refused connection) is tried again after an exponential, jittered back-off, with the same
 * {@code webhook-id} and a fresh timestamp and signature, until the event is {@code maxAge} old: then it is given up
 * and dead-lettered with the reason. Every request: POST, connect timeout, request timeout, no redirects followed.
 */
final class EndpointDelivery implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EndpointDelivery.class);
    private static final Duration DEAD_LETTER_RETRY = Duration.ofSeconds(5);

    private final WebhookEndpoint endpoint;
    private final DeliverySettings settings;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final ExecutorService io;
    private final ScheduledExecutorService timer;
    private final HttpClient http;

    private final Deque<Job> queue = new ArrayDeque<>();
    private int inFlight;
    private int retrying;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile int consecutiveFailures;
    private volatile Instant lastSuccess;
    private volatile String lastError;
    private volatile boolean closed;

    /** One event on its way to this endpoint. */
    private static final class Job {
        final Delivery delivery;
        int attempts;

        Job(Delivery delivery) {
            this.delivery = delivery;
        }
    }

    EndpointDelivery(WebhookEndpoint endpoint, DeliverySettings settings, DeadLetters deadLetters, Clock clock) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.io = Executors.newCachedThreadPool(daemon("notifier-http-" + endpoint.name()));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("notifier-retry-" + endpoint.name()));
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(io)
                .build();
    }

    WebhookEndpoint endpoint() {
        return endpoint;
    }

    /** Takes an event for delivery; never blocks. */
    void offer(Delivery delivery) {
        Job job = new Job(delivery);
        Instant giveUpAt = delivery.derivedAt().plus(settings.maxAge());
        if (!clock.instant().isBefore(giveUpAt)) {
            giveUp(
                    job,
                    "derived at " + delivery.derivedAt() + ", more than " + settings.maxAge()
                            + " ago, and never delivered (the notifier was not delivering)");
            return;
        }
        Job evicted = null;
        synchronized (this) {
            if (queue.size() + inFlight + retrying >= settings.maxWaiting() && !queue.isEmpty()) {
                evicted = queue.pollFirst();
            }
            queue.addLast(job);
        }
        if (evicted != null) {
            giveUp(evicted, "more than " + settings.maxWaiting() + " events waiting for endpoint " + endpoint.name());
        }
        pump();
    }

    private void pump() {
        List<Job> starting = new ArrayList<>();
        synchronized (this) {
            while (!closed && inFlight < settings.concurrency() && !queue.isEmpty()) {
                starting.add(queue.pollFirst());
                inFlight++;
            }
        }
        starting.forEach(this::attempt);
    }

    private void attempt(Job job) {
        job.attempts++;
        Notification notification = job.delivery.notification();
        byte[] body = endpoint.format() == WebhookEndpoint.Format.SLACK
                ? SlackMessages.render(notification, settings.consoleUrl())
                : job.delivery.body();
        if (body.length > settings.maxBodyBytes()) {
            synchronized (this) {
                inFlight--;
            }
            giveUp(job, "its body of " + body.length + " bytes is larger than " + settings.maxBodyBytes());
            pump();
            return;
        }
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.url())
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "vienna-notifier")
                .header("webhook-id", notification.id())
                .header("webhook-timestamp", String.valueOf(timestamp))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (endpoint.signed()) {
            request.header("webhook-signature", WebhookSigner.sign(endpoint.key(), notification.id(), timestamp, body));
        }
        try {
            http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> answered(job, response, error));
        } catch (RuntimeException e) {
            answered(job, null, e);
        }
    }

    private void answered(Job job, HttpResponse<Void> response, Throwable error) {
        synchronized (this) {
            inFlight--;
        }
        if (error == null && response.statusCode() / 100 == 2) {
            delivered.incrementAndGet();
            consecutiveFailures = 0;
            lastSuccess = clock.instant();
            job.delivery.done().run();
        } else {
            String why = error == null ? "answered HTTP " + response.statusCode() : describe(error);
            lastError = why;
            consecutiveFailures++;
            retryOrGiveUp(job, why);
        }
        pump();
    }

    private void retryOrGiveUp(Job job, String why) {
        Duration wait =
                settings.backoff(job.attempts, ThreadLocalRandom.current().nextDouble());
        Instant giveUpAt = job.delivery.derivedAt().plus(settings.maxAge());
        if (closed) {
            return; // not finished: a restarted notifier reads it again and carries on
        }
        if (clock.instant().plus(wait).isAfter(giveUpAt)) {
            giveUp(
                    job,
                    "not delivered to endpoint " + endpoint.name() + " within " + settings.maxAge() + " after "
                            + job.attempts + " attempt(s); last: " + why);
            return;
        }
        retried.incrementAndGet();
        synchronized (this) {
            retrying++;
        }
        timer.schedule(
                () -> {
                    synchronized (this) {
                        retrying--;
                        queue.addLast(job);
                    }
                    pump();
                },
                wait.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Dead-letters the event (on this endpoint's own thread: a slow broker holds up only it) and finishes it. */
    private void giveUp(Job job, String reason) {
        failed.incrementAndGet();
        LOG.warnf(
                "notification %s (%s) to endpoint %s given up: %s",
                job.delivery.notification().id(),
                job.delivery.notification().kind().type(),
                endpoint.name(),
                reason);
        timer.execute(() -> deadLetter(job, "webhook " + endpoint.name() + ": " + reason));
    }

    private void deadLetter(Job job, String reason) {
        if (closed) {
            return;
        }
        Delivery d = job.delivery;
        try {
            deadLetters.deadLetter(
                    d.notification().id(), d.body(), reason, Topics.NOTIFICATIONS.name(), d.partition(), d.offset());
            d.done().run();
        } catch (RuntimeException e) {
            LOG.errorf(
                    "cannot dead-letter notification %s for endpoint %s (trying again in %s): %s",
                    d.notification().id(), endpoint.name(), DEAD_LETTER_RETRY, e.getMessage());
            timer.schedule(() -> deadLetter(job, reason), DEAD_LETTER_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** What went wrong, for the state and the dead letter: the most telling exception of the chain. */
    private static String describe(Throwable error) {
        Throwable top = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
        for (Throwable t = top; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return "no answer in time (" + t.getClass().getSimpleName() + ")";
            }
            if (t instanceof java.net.ConnectException) {
                return "cannot connect (ConnectException" + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")";
            }
        }
        return top.getClass().getSimpleName() + (top.getMessage() == null ? "" : ": " + top.getMessage());
    }

    synchronized int waiting() {
        return queue.size() + inFlight + retrying;
    }

    EndpointState state() {
        return new EndpointState(
                endpoint.name(),
                endpoint.url().toString(),
                endpoint.format().name().toLowerCase(java.util.Locale.ROOT),
                endpoint.events().stream().map(NotificationKind::type).sorted().toList(),
                endpoint.signed(),
                delivered.get(),
                retried.get(),
                failed.get(),
                consecutiveFailures,
                waiting(),
                lastSuccess,
                lastError);
    }

    long delivered() {
        return delivered.get();
    }

    long retried() {
        return retried.get();
    }

    long failed() {
        return failed.get();
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** Seconds since the epoch of the last 2xx, or 0 when there was none. */
    double lastSuccessSeconds() {
        Instant at = lastSuccess;
        return at == null ? 0 : at.toEpochMilli() / 1000.0;
    }

    /** Stops: what is unfinished stays uncommitted, and is read and delivered again after a restart. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        io.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
