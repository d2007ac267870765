package dev.vienna.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final AvroSerde<IntentAccepted> serde = new AvroSerde<>(IntentAccepted.class);

    @Test
    void shouldRoundTripAnEventInSingleObjectEncoding() {
        IntentAccepted event = sampleIntentAccepted();
        byte[] bytes = serde.serialize("intents", event);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(serde.deserialize("intents", bytes)).isEqualTo(event);
    }

    @Test
    void shouldRoundTripOptionalInstantsAndNestedArrays() {
        Instant at = Instant.parse("2026-12-01T10:00:00.123Z");
        AgentChanged agent = AgentChanged.newBuilder()
                .setEventId("e")
                .setTenantId("acme")
                .setOccurredAt(at)
                .setAgentId("agent-7")
                .setChange(AgentChange.SUSPENDED)
                .setStatus(AgentStatus.SUSPENDED)
                .setOwners(List.of("carol"))
                .setSigningKeys(List.of(AgentSigningKey.newBuilder()
                        .setKeyId("k")
                        .setPublicKey("AAAA")
                        .setAddedAt(at)
                        .setRevokedAt(at)
                        .build()))
                .setChangedBy("sam")
                .setSuspendedAt(at)
                .build();
        AvroSerde<AgentChanged> agents = new AvroSerde<>(AgentChanged.class);
        byte[] bytes = agents.serialize("agents", agent);
        AgentChanged back = agents.deserialize("agents", bytes);
        // (Avro's generated equals cannot compare an instant inside a union: compare what was written and read)
        assertThat(back.getSuspendedAt()).isEqualTo(at);
        assertThat(back.getSigningKeys().get(0).getRevokedAt()).isEqualTo(at);
        assertThat(back.getOwners()).containsExactly("carol");
        assertThat(agents.serialize("agents", back)).isEqualTo(bytes);
    }

    @Test
    void shouldRejectBytesThatAreNotAvroWithAReason() {
        assertThatThrownBy(() -> serde.deserialize("intents", "{\"not\":\"avro\"}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not a IntentAccepted");
    }

    @Test
    void shouldRejectAnotherEventTypeByItsFingerprint() {
        AvroSerde<ExecutionReported> other = new AvroSerde<>(ExecutionReported.class);
        ExecutionReported execution = ExecutionReported.newBuilder()
                .setEventId("e")
                .setIntentId("i")
                .setTenantId("t")
                .setOccurredAt(Instant.EPOCH)
                .setWarrantId("w")
                .setExecutorId("x")
                .setMode(ExecutionMode.DIRECT)
                .setStatus(ExecutionStatus.SUCCEEDED)
                .setHandler("noop")
                .setStartedAt(Instant.EPOCH)
                .setFinishedAt(Instant.EPOCH)
                .build();
        byte[] bytes = other.encode(execution);
        assertThatThrownBy(() -> serde.decode(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("MissingSchema");
    }

    @Test
    void shouldCreateDistinctSerdesPerCall() {
        assertThat(Topics.INTENTS.valueSerde()).isNotSameAs(Topics.INTENTS.valueSerde());
        assertThat(Topics.DEAD_LETTER.valueSerde().serializer().serialize("x", new byte[] {1, 2}))
                .containsExactly(1, 2);
    }

    @Test
    void shouldGiveEveryTopicAUniqueName() {
        assertThat(Topics.all().stream().map(Topic::name).distinct())
                .hasSize(Topics.all().size());
        assertThat(Topics.AUDIT.config())
                .containsEntry("cleanup.policy", "compact")
                .containsEntry("retention.ms", "-1");
    }

    static IntentAccepted sampleIntentAccepted() {
        return IntentAccepted.newBuilder()
                .setEventId("evt-1")
                .setIntentId("int-1")
                .setTenantId("acme")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setChannel(SubmissionChannel.HTTP)
                .setIntent(Intent.newBuilder()
                        .setAgentId("agent-7")
                        .setAction("scale_kubernetes_deployment")
                        .setResource("api-server")
                        .setParamsJson("{\"replicas\":25}")
                        .setLabels(Map.of("env", "prod"))
                        .build())
                .build();
    }
}
