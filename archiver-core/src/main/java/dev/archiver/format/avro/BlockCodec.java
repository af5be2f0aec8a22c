package dev.archiver.format.avro;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DeflateCodec;
import org.apache.avro.file.ZstandardCodec;
import org.xerial.snappy.Snappy;

/**
 * Decompresses the blocks of an Avro container, by the codec name in its header. Avro's own codec
 * classes do the work where they are public; its snappy codec is not, so its layout (the snappy
 * block followed by the big-endian CRC32 of the uncompressed bytes) is decoded here.
 */
abstract class BlockCodec {
    private final String name;

    private BlockCodec(String name) {
        this.name = name;
    }

    final String name() {
        return name;
    }

    abstract ByteBuffer decompress(byte[] block) throws IOException;

    static BlockCodec named(String name) throws IOException {
        switch (name) {
            case DataFileConstants.NULL_CODEC:
                return new BlockCodec(name) {
                    @Override
                    ByteBuffer decompress(byte[] block) {
                        return ByteBuffer.wrap(block);
                    }
                };
            case DataFileConstants.DEFLATE_CODEC:
                return new BlockCodec(name) {
                    private final DeflateCodec codec = new DeflateCodec(0);

                    @Override
                    ByteBuffer decompress(byte[] block) throws IOException {
                        return codec.decompress(ByteBuffer.wrap(block));
                    }
                };
            case DataFileConstants.ZSTANDARD_CODEC:
                return new BlockCodec(name) {
                    private final ZstandardCodec codec =
                            new ZstandardCodec(ZstandardCodec.DEFAULT_COMPRESSION, false, true);

                    @Override
                    ByteBuffer decompress(byte[] block) throws IOException {
                        return codec.decompress(ByteBuffer.wrap(block));
                    }
                };
            case DataFileConstants.SNAPPY_CODEC:
                return new BlockCodec(name) {
                    private final CRC32 crc = new CRC32();

                    @Override
                    ByteBuffer decompress(byte[] block) throws IOException {
                        if (block.length < 4) {
                            throw new IOException("a snappy block needs a 4-byte checksum");
                        }
                        int n = block.length - 4;
                        byte[] out = new byte[Snappy.uncompressedLength(block, 0, n)];
                        int size = Snappy.uncompress(block, 0, n, out, 0);
                        crc.reset();
                        crc.update(out, 0, size);
                        if (ByteBuffer.wrap(block, n, 4).getInt() != (int) crc.getValue()) {
                            throw new IOException("checksum failure");
                        }
                        return ByteBuffer.wrap(out, 0, size);
                    }
                };
            default:
                throw new IOException(
                        "unsupported container compression '"
                                + name
                                + "'; expected null, deflate, snappy or zstandard");
        }
    }
}
