package dev.vienna.policy.engine;

import dev.vienna.events.Intent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Policy directories and intents for the engine's tests. */
final class PolicyFixtures {

    /** Writes the files (name to YAML text) into the directory and returns it. */
    static Path directory(Path dir, Map<String, String> files) {
        try {
            for (var file : files.entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Intent.Builder intent(String action) {
        return Intent.newBuilder()
                .setAgentId("agent-7")
                .setAction(action)
                .setResource("api-server")
                .setParamsJson("{\"replicas\":25}");
    }

    private PolicyFixtures() {}
}
