package dev.vienna.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * The build's compatibility gate: every schema ever released must stay readable by the current schema of the same
 * record (backward compatibility), and no released record may disappear.
 */
class SchemaCompatibilityTest {

    @Test
    void shouldReadEveryReleasedSchemaWithTheCurrentOne() {
        List<Schema> released = ReleasedSchemas.all();
        assertThat(released).as("released schemas in the index").isNotEmpty();
        for (Schema old : released) {
            Schema current = currentSchema(old.getFullName());
            assertThat(current)
                    .as("current schema for released record %s", old.getFullName())
                    .isNotNull();
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old)
                    .getResult();
            assertThat(result.getCompatibility())
                    .as("%s breaks backward compatibility: %s", old.getFullName(), result.getIncompatibilities())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void shouldReleaseEveryTopLevelEvent() {
        List<String> released =
                ReleasedSchemas.all().stream().map(Schema::getFullName).toList();
        for (var type : EventTypes.ALL) {
            assertThat(released)
                    .as("released snapshot of %s (run SchemaSnapshot)", type.getSimpleName())
                    .contains(type.getName());
        }
    }

    @Test
    void shouldFlagANewFieldWithoutDefaultAsBreaking() {
        // given the released IntentAccepted, and a "current" one with a required field added
        Schema old = ReleasedSchemas.versionsOf(IntentAccepted.class.getName()).get(0);
        String json = old.toString()
                .replaceFirst("\"fields\":\\[", "\"fields\":[{\"name\":\"mandatory\",\"type\":\"string\"},");
        Schema changed = new Schema.Parser().parse(json);
        // when checked the way the gate checks
        var compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(changed, old).getType();
        // then it is refused
        assertThat(compatibility).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    private static Schema currentSchema(String fullName) {
        return EventTypes.ALL.stream()
                .map(SpecificData.get()::getSchema)
                .filter(s -> s.getFullName().equals(fullName))
                .findFirst()
                .orElse(null);
    }
}
