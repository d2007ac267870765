package dev.vienna.events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Release step: writes the current schema of every event to {@code src/main/resources/released/VERSION/} and appends
 * them to the index. Run once per release: {@code ./mvnw -pl schemas test-compile exec:java}-style, or from an IDE with
 * the version as argument.
 */
public final class SchemaSnapshot {
    public static void main(String[] args) throws IOException {
        String version = args[0];
        Path root = Path.of(args.length > 1 ? args[1] : "src/main/resources/released");
        Files.createDirectories(root.resolve(version));
        List<String> index = new ArrayList<>(
                Files.exists(root.resolve("index.txt")) ? Files.readAllLines(root.resolve("index.txt")) : List.of());
        for (Class<? extends SpecificRecord> type : EventTypes.ALL) {
            String file = version + "/" + type.getSimpleName() + ".avsc";
            Files.writeString(
                    root.resolve(file), SpecificData.get().getSchema(type).toString(true) + "\n");
            if (!index.contains(file)) {
                index.add(file);
            }
        }
        Files.write(root.resolve("index.txt"), index);
    }

    private SchemaSnapshot() {}
}
