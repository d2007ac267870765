package dev.vienna.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * The schemas of every released version of the contract, kept in {@code released/<version>/} as JSON (one file per
 * record, listed in {@code released/index.txt}). The decoder registers them so old records still decode;
 * {@code SchemaCompatibilityTest} fails the build when a current schema cannot read data written with a released one.
 */
public final class ReleasedSchemas {

    static final String INDEX = "/released/index.txt";

    /**
     * The released schemas, parsed once per class loader: a serde is built for every topic a client reads, some per
     * task, and parsing all of them each time cost audit-service most of its CPU (issue 13's profile).
     */
    private static final class Parsed {
        static final List<Schema> ALL = parse();
        static final Map<String, List<Schema>> BY_NAME =
                ALL.stream().collect(Collectors.groupingBy(Schema::getFullName, Collectors.toUnmodifiableList()));
    }

    /** Every released schema: the index lists paths such as {@code 0.1.0/IntentAccepted.avsc}. */
    public static List<Schema> all() {
        return Parsed.ALL;
    }

    /** The released versions of one record, by full name. */
    public static List<Schema> versionsOf(String fullName) {
        return Parsed.BY_NAME.getOrDefault(fullName, List.of());
    }

    private static List<Schema> parse() {
        List<Schema> schemas = new ArrayList<>();
        for (String path : read(INDEX)
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList()) {
            // Each file is parsed on its own: released schemas embed every type they use.
            schemas.add(new Schema.Parser().parse(read("/released/" + path)));
        }
        return List.copyOf(schemas);
    }

    private static String read(String resource) {
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ReleasedSchemas() {}
}
