package dev.vienna.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/** Small helpers the handler tests share: inputs, catalogs from YAML text, scripts, JSON. */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    /** An input for {@code action} on {@code resource} with params given as JSON text, due in a minute. */
    static ActionInput input(String action, String resource, String paramsJson) {
        return input(action, resource, paramsJson, Instant.now().plus(Duration.ofMinutes(1)));
    }

    static ActionInput input(String action, String resource, String paramsJson, Instant deadline) {
        return new ActionInput("w-1", "i-1", "agent-1", action, resource, json(paramsJson), deadline);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ActionCatalog catalog(String yaml) {
        return catalog(yaml, Map.of(), Optional.empty());
    }

    static ActionCatalog catalog(String yaml, Map<String, String> env) {
        return catalog(yaml, env, Optional.empty());
    }

    static ActionCatalog catalog(String yaml, Map<String, String> env, Optional<DataSource> dataSource) {
        Function<String, String> lookup = new HashMap<>(env)::get;
        return ActionCatalog.parse(yaml, "test.yaml", lookup, dataSource);
    }

    /** The one handler of a catalog with one action. */
    static ActionHandler handler(ActionCatalog catalog, String action) {
        return catalog.handlerFor(action).orElseThrow();
    }

    /** Writes an executable {@code #!/bin/sh} script. */
    static Path script(Path dir, String name, String body) {
        try {
            Path script = dir.resolve(name);
            Files.writeString(script, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The outcome's output as JSON, asserting there is one. */
    static JsonNode output(ActionOutcome outcome) {
        assertThat(outcome.outputJson()).as("output of %s", outcome).isNotNull();
        return json(outcome.outputJson());
    }

    /** A YAML double-quoted scalar holding {@code text}. */
    static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
