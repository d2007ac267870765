package dev.vienna.approval;

import dev.vienna.events.ApprovalDecided;
import dev.vienna.events.ApprovalVoteCast;
import dev.vienna.events.AvroSerde;
import dev.vienna.events.IntentTiered;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Store format of {@link ApprovalState}: a version byte, the deadline (epoch ms), then the contract's own single-object
 * encodings of the tiered event, each counted vote and the decision, each length-prefixed. Built from the contract's
 * events, so a state written before a schema release still decodes after it (the decoders know every released schema);
 * no private schema to evolve.
 */
final class ApprovalStateSerde implements Serde<ApprovalState>, Serializer<ApprovalState>, Deserializer<ApprovalState> {

    private static final byte VERSION = 1;

    private final AvroSerde<IntentTiered> tiered = new AvroSerde<>(IntentTiered.class);
    private final AvroSerde<ApprovalVoteCast> vote = new AvroSerde<>(ApprovalVoteCast.class);
    private final AvroSerde<ApprovalDecided> decided = new AvroSerde<>(ApprovalDecided.class);

    @Override
    public byte[] serialize(String topic, ApprovalState state) {
        if (state == null) {
            return null;
        }
        var bytes = new ByteArrayOutputStream(512);
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(state.deadline().toEpochMilli());
            write(out, tiered.encode(state.tiered()));
            out.writeInt(state.votes().size());
            for (ApprovalVoteCast v : state.votes()) {
                write(out, vote.encode(v));
            }
            out.writeBoolean(state.decided());
            if (state.decided()) {
                write(out, decided.encode(state.decision()));
            }
        } catch (IOException e) {
            throw new SerializationException("cannot encode the approval state of " + state.intentId(), e);
        }
        return bytes.toByteArray();
    }

    @Override
    public ApprovalState deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("unknown approval state version " + version);
            }
            Instant deadline = Instant.ofEpochMilli(in.readLong());
            IntentTiered t = tiered.decode(read(in));
            int count = in.readInt();
            List<ApprovalVoteCast> votes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                votes.add(vote.decode(read(in)));
            }
            ApprovalDecided decision = in.readBoolean() ? decided.decode(read(in)) : null;
            return new ApprovalState(t, deadline, votes, decision);
        } catch (IOException e) {
            throw new SerializationException("truncated approval state", e);
        }
    }

    private static void write(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] read(DataInputStream in) throws IOException {
        return in.readNBytes(in.readInt());
    }

    @Override
    public Serializer<ApprovalState> serializer() {
        return this;
    }

    @Override
    public Deserializer<ApprovalState> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // stateless
    }
}
