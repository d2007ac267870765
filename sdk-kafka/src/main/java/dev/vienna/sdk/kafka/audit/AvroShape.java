package dev.vienna.sdk.kafka.audit;

import org.apache.avro.Schema;

/**
 * Walks Avro binary data against its writer's schema without decoding it, checking that every length, count and union
 * or enum index fits in the bytes there are, and that no byte is left over. What makes hostile bytes safe to hand to
 * Avro, whose decoder allocates whatever a length prefix claims. Allocates nothing.
 */
final class AvroShape {

    /** Schemas nest records; a recursive schema over hostile data must not overflow the stack. */
    private static final int MAX_DEPTH = 64;

    private final byte[] bytes;
    private int position;
    /** Set by {@link #varint()} when the number was truncated or longer than 10 bytes. */
    private boolean badNumber;

    AvroShape(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.position = offset;
    }

    /** Null when the bytes from the offset are exactly one value of {@code schema}, otherwise why not. */
    String check(Schema schema) {
        String problem = value(schema, 0);
        if (problem != null) {
            return problem;
        }
        if (position != bytes.length) {
            return (bytes.length - position) + " bytes after the end of the record";
        }
        return null;
    }

    private String value(Schema schema, int depth) {
        if (depth > MAX_DEPTH) {
            return "nested deeper than " + MAX_DEPTH;
        }
        switch (schema.getType()) {
            case NULL:
                return null;
            case BOOLEAN:
                return skip(1, "boolean");
            case INT:
            case LONG:
                varint();
                return badNumber ? "truncated or overlong number at byte " + position : null;
            case FLOAT:
                return skip(4, "float");
            case DOUBLE:
                return skip(8, "double");
            case STRING:
            case BYTES:
                return lengthPrefixed(schema.getType().getName());
            case FIXED:
                return skip(schema.getFixedSize(), "fixed");
            case ENUM:
                return index(schema.getEnumSymbols().size(), "enum symbol");
            case UNION: {
                long branch = varint();
                if (badNumber || branch < 0 || branch >= schema.getTypes().size()) {
                    return "union branch out of range at byte " + position;
                }
                return value(schema.getTypes().get((int) branch), depth + 1);
            }
            case RECORD:
                for (Schema.Field field : schema.getFields()) {
                    String problem = value(field.schema(), depth + 1);
                    if (problem != null) {
                        return field.name() + ": " + problem;
                    }
                }
                return null;
            case ARRAY:
                return blocks(schema.getElementType(), false, depth);
            case MAP:
                return blocks(schema.getValueType(), true, depth);
            default:
                return "unsupported type " + schema.getType();
        }
    }

    private String blocks(Schema item, boolean keyed, int depth) {
        while (true) {
            long count = varint();
            if (badNumber) {
                return "truncated block count at byte " + position;
            }
            if (count == 0) {
                return null;
            }
            if (count < 0) {
                count = -count;
                varint();
                if (badNumber) {
                    return "truncated block size at byte " + position;
                }
            }
            if (count > bytes.length - position && !(item.getType() == Schema.Type.NULL && !keyed)) {
                return "a block of " + count + " items in " + (bytes.length - position) + " bytes";
            }
            for (long i = 0; i < count; i++) {
                if (keyed) {
                    String problem = lengthPrefixed("map key");
                    if (problem != null) {
                        return problem;
                    }
                }
                String problem = value(item, depth + 1);
                if (problem != null) {
                    return problem;
                }
            }
        }
    }

    private String lengthPrefixed(String what) {
        long length = varint();
        if (badNumber) {
            return "truncated " + what + " length at byte " + position;
        }
        if (length < 0 || length > bytes.length - position) {
            return "a " + what + " of " + length + " bytes where " + (bytes.length - position) + " remain";
        }
        position += (int) length;
        return null;
    }

    private String index(int size, String what) {
        long index = varint();
        return badNumber || index < 0 || index >= size ? what + " out of range at byte " + position : null;
    }

    private String skip(int n, String what) {
        if (bytes.length - position < n) {
            return "truncated " + what + " at byte " + position;
        }
        position += n;
        return null;
    }

    /** A zig-zag varint of at most 10 bytes; sets {@link #badNumber} when truncated or longer. */
    private long varint() {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (position >= bytes.length) {
                badNumber = true;
                return 0;
            }
            int b = bytes[position++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        badNumber = true;
        return 0;
    }
}
