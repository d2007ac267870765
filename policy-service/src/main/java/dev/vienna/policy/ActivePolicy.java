package dev.vienna.policy;

import dev.vienna.events.EventIds;
import dev.vienna.events.PolicyActivated;
import dev.vienna.events.PolicyActivationOutcome;
import dev.vienna.policy.engine.PolicyLoader;
import dev.vienna.policy.engine.PolicyRejected;
import dev.vienna.policy.engine.PolicySet;
import dev.vienna.policy.engine.PolicySnapshot;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The policy set in force on this instance. Loaded from the policy directory at start (an invalid set stops the service
 * from starting: it would have nothing to decide with), then re-checked every {@code reload-interval}: each check reads
 * every file once, and a changed set that is valid replaces the active one atomically, stamped with the hash of exactly
 * the bytes it was built from; one that is not (an invalid, empty or half-written file, a file that vanished while the
 * directory was read, a directory that is gone, unreadable or empty) is refused with every error and the previous set
 * stays active. Each activation and each refusal is published to {@code policy-activations}, so the audit log records
 * which rules were in force when.
 */
@ApplicationScoped
public class ActivePolicy implements Supplier<PolicySet> {

    private static final Logger LOG = Logger.getLogger(ActivePolicy.class);

    private final PolicyConfig config;
    private final PolicyActivations activations;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<Active> active = new AtomicReference<>();
    private final AtomicReference<Refusal> lastRefusal = new AtomicReference<>();
    private ScheduledExecutorService reloader;

    /** The active set and when it became active. */
    public record Active(PolicySet policy, Instant activatedAt) {}

    /** The newest refused set: its version, when, and every error. */
    public record Refusal(String version, Instant at, List<String> errors) {}

    @Inject
    public ActivePolicy(PolicyConfig config, PolicyActivations activations) {
        this.config = config;
        this.activations = activations;
        PolicySet initial = PolicyLoader.load(directory());
        active.set(new Active(initial, clock.instant()));
    }

    void start(@Observes StartupEvent event) {
        Active initial = active.get();
        LOG.infof(
                "policy %s active: %d rules from %s",
                initial.policy().version(), initial.policy().rules().size(), directory());
        reloader = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "policy-reloader"));
        // announced from the reloader's thread: start-up does not wait for the broker
        reloader.execute(() -> activations.publish(activation(
                PolicyActivationOutcome.ACTIVATED, initial.policy().version(), null, initial.policy(), List.of())));
        long every = config.reloadInterval().toMillis();
        reloader.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }

    @Override
    public PolicySet get() {
        return active.get().policy();
    }

    public Active active() {
        return active.get();
    }

    public Refusal lastRefusal() {
        return lastRefusal.get();
    }

    /**
     * Reads the directory once and, if its content changed since the active or the last refused version, loads exactly
     * what was read (the version stamped on decisions hashes the bytes that were parsed). A directory that vanished,
     * became unreadable or empty, or a file that vanished or was cut short, is refused like any invalid edit.
     */
    void reloadIfChanged() {
        try {
            PolicySnapshot snapshot = PolicyLoader.read(directory());
            String version = snapshot.version();
            Refusal refused = lastRefusal.get();
            if (version.equals(active.get().policy().version())
                    || (refused != null && version.equals(refused.version()))) {
                return;
            }
            String previous = active.get().policy().version();
            try {
                PolicySet next = PolicyLoader.load(snapshot);
                active.set(new Active(next, clock.instant()));
                LOG.infof(
                        "policy %s active (was %s): %d rules",
                        next.version(), previous, next.rules().size());
                activations.publish(
                        activation(PolicyActivationOutcome.ACTIVATED, next.version(), previous, next, List.of()));
            } catch (PolicyRejected e) {
                lastRefusal.set(new Refusal(e.version(), clock.instant(), e.errors()));
                LOG.errorf(
                        "policy %s refused, %s stays active: %s", e.version(), previous, String.join("; ", e.errors()));
                activations.publish(
                        activation(PolicyActivationOutcome.REJECTED, e.version(), previous, null, e.errors()));
            }
        } catch (RuntimeException e) {
            // never let an unexpected error end the scheduled reloads: keep the active set and try again next time
            LOG.errorf(
                    e,
                    "policy directory %s not reloaded; %s stays active",
                    directory(),
                    active.get().policy().version());
        }
    }

    private PolicyActivated activation(
            PolicyActivationOutcome outcome, String version, String previous, PolicySet set, List<String> errors) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return PolicyActivated.newBuilder()
                .setEventId(EventIds.of(
                        instanceId() + "/" + version + "/" + now.toEpochMilli(),
                        "policy-" + outcome.name().toLowerCase()))
                .setOccurredAt(now)
                .setOutcome(outcome)
                .setPolicyVersion(version)
                .setPreviousVersion(previous)
                .setInstance(instanceId())
                .setDirectory(directory().toString())
                .setFiles(set == null ? List.of() : set.files())
                .setRules(
                        set == null
                                ? List.of()
                                : set.rules().stream()
                                        .map(PolicySet.RuleView::id)
                                        .toList())
                .setErrors(errors)
                .build();
    }

    String instanceId() {
        return config.instanceId()
                .orElseGet(() -> ManagementFactory.getRuntimeMXBean().getName());
    }

    private Path directory() {
        return config.dir().toAbsolutePath().normalize();
    }
}
