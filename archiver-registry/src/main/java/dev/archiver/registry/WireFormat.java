package dev.archiver.registry;

import dev.archiver.format.RecordNotWritableException;

/**
 * The Confluent wire format: a magic byte {@code 0}, the schema's global id as 4 bytes big-endian,
 * then the payload (for Protobuf, the payload starts with the message indexes as zig-zag varints).
 *
 * @since 0.3
 */
public final class WireFormat {
    /** The first byte of every value in the wire format. */
    public static final byte MAGIC = 0;

    /** Magic byte and schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /**
     * The schema id of a value in the wire format.
     *
     * @throws RecordNotWritableException when {@code value} is shorter than the header or does not
     *     start with the magic byte
     */
    public static int schemaId(byte[] value) {
        if (value.length < HEADER_SIZE) {
            throw new RecordNotWritableException(
                    "not in the schema registry wire format: "
                            + value.length
                            + " bytes, shorter than its 5-byte header");
        }
        if (value[0] != MAGIC) {
            throw new RecordNotWritableException(
                    "not in the schema registry wire format: first byte is "
                            + (value[0] & 0xff)
                            + ", not the magic byte 0");
        }
        return ((value[1] & 0xff) << 24)
                | ((value[2] & 0xff) << 16)
                | ((value[3] & 0xff) << 8)
                | (value[4] & 0xff);
    }

    /** A value in the wire format: the header for {@code schemaId}, then {@code payload}. */
    public static byte[] frame(int schemaId, byte[] payload) {
        byte[] out = new byte[HEADER_SIZE + payload.length];
        out[0] = MAGIC;
        out[1] = (byte) (schemaId >>> 24);
        out[2] = (byte) (schemaId >>> 16);
        out[3] = (byte) (schemaId >>> 8);
        out[4] = (byte) schemaId;
        System.arraycopy(payload, 0, out, HEADER_SIZE, payload.length);
        return out;
    }
}
