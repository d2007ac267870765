package dev.vienna.executor;

import dev.vienna.events.WarrantIssued;
import jakarta.enterprise.context.ApplicationScoped;

/** Does nothing and returns the warrant's params: for dry runs, demos and pipeline checks. */
@ApplicationScoped
public class NoopHandler implements Handler {

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public String run(WarrantIssued warrant) {
        return warrant.getParamsJson();
    }
}
