package dev.vienna.policy;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** A copy of the shipped policies in a temporary directory the tests may edit, reloaded every 200 ms. */
public class PolicyDirectoryResource implements QuarkusTestResourceLifecycleManager {

    private static volatile Path directory;

    public static Path directory() {
        return directory;
    }

    @Override
    public Map<String, String> start() {
        try {
            directory = Files.createTempDirectory("vienna-policies-");
            try (Stream<Path> files = Files.list(Path.of("..", "policies"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, directory.resolve(file.getFileName()));
                }
            }
            return Map.of("vienna.policy.dir", directory.toString(), "vienna.policy.reload-interval", "PT0.2S");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {}
}
