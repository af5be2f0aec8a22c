package dev.archiver.codec;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;

/**
 * Random bytes that make every compressed file unique, in a place every reader of the format skips
 * (a skippable frame or chunk, the gzip header's MTIME). Stores whose version tag is the content's
 * MD5 (S3's ETag, Swift's) would otherwise give a replay that writes identical bytes the tag of the
 * object it replaces, and a zombie's delayed if-match write on that tag would then pass after the
 * new owner replaced and committed the object (issue 14, hole 6).
 */
final class Nonces {
    /** The skippable frame magic of zstd (RFC 8878, 3.1.2) and LZ4 frames: 0x184D2A50..5F. */
    static final int SKIPPABLE_FRAME_MAGIC = 0x184D2A5A;

    /** A reserved skippable chunk type of the snappy framing format (0x80..0xfd). */
    static final int SNAPPY_SKIPPABLE_CHUNK = 0x80;

    static final int LENGTH = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Nonces() {}

    static byte[] random(int length) {
        byte[] nonce = new byte[length];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** A zstd/LZ4 skippable frame: magic, payload length (both little-endian), payload. */
    static byte[] skippableFrame() {
        byte[] frame = new byte[8 + LENGTH];
        putIntLe(frame, 0, SKIPPABLE_FRAME_MAGIC);
        putIntLe(frame, 4, LENGTH);
        System.arraycopy(random(LENGTH), 0, frame, 8, LENGTH);
        return frame;
    }

    /** A snappy framing-format chunk that readers skip: type, 24-bit little-endian length, data. */
    static byte[] snappySkippableChunk() {
        byte[] chunk = new byte[4 + LENGTH];
        chunk[0] = (byte) SNAPPY_SKIPPABLE_CHUNK;
        chunk[1] = (byte) LENGTH;
        System.arraycopy(random(LENGTH), 0, chunk, 4, LENGTH);
        return chunk;
    }

    private static void putIntLe(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    /**
     * Inserts {@code insert} after the first {@code after} bytes written through it (the snappy
     * stream identifier must stay first); then passes everything through.
     */
    static final class InsertAfter extends FilterOutputStream {
        private final int after;
        private byte[] insert;
        private long written;

        InsertAfter(OutputStream out, int after, byte[] insert) {
            super(out);
            this.after = after;
            this.insert = insert;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (insert != null && written + len >= after) {
                int head = (int) (after - written);
                out.write(b, off, head);
                out.write(insert);
                insert = null;
                out.write(b, off + head, len - head);
            } else {
                out.write(b, off, len);
            }
            written += len;
        }

        @Override
        public void close() throws IOException {
            if (insert != null && written == after) {
                out.write(insert);
                insert = null;
            }
            super.close();
        }
    }

    /** Overwrites bytes 4..7 of the stream (the gzip header's MTIME) with random bytes. */
    static final class GzipMtime extends FilterOutputStream {
        private final byte[] mtime = random(4);
        private long written;

        GzipMtime(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written < 8 && written + len > 4) {
                byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
                for (int i = 0; i < len; i++) {
                    long pos = written + i;
                    if (pos >= 4 && pos < 8) {
                        copy[i] = mtime[(int) (pos - 4)];
                    }
                }
                out.write(copy, 0, len);
            } else {
                out.write(b, off, len);
            }
            written += len;
        }
    }
}
