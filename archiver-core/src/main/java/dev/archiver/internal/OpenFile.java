package dev.archiver.internal;

import dev.archiver.codec.Codec;
import dev.archiver.format.FileFormat;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.partition.PartitionPath;
import dev.archiver.record.ArchiveRecord;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One local staging file for one (topic-partition, output partition), written by one consumer
 * thread.
 */
final class OpenFile {
    final PartitionPath path;
    final boolean deadLetter;
    final Path localFile;
    final Instant createdAt;
    private final CountingOutputStream counting;
    private final RecordWriter writer;
    private final DeadLetterWriter deadLetterWriter;
    long records;
    long firstOffset = -1;
    long lastOffset = -1;
    long minTimestamp = Long.MAX_VALUE;
    long maxTimestamp = Long.MIN_VALUE;
    private boolean closed;

    private OpenFile(
            PartitionPath path,
            Path localFile,
            Instant createdAt,
            FileFormat format,
            Codec codec,
            boolean deadLetter)
            throws IOException {
        this.path = path;
        this.deadLetter = deadLetter;
        this.localFile = localFile;
        this.createdAt = createdAt;
        OutputStream file = Files.newOutputStream(localFile);
        try {
            // small: every codec buffers in front of this and writes large chunks, which pass
            // straight through; one of these per open file, up to staging.max-open-files
            this.counting = new CountingOutputStream(new BufferedOutputStream(file, 8 * 1024));
            OutputStream compressed = codec.compress(counting);
            if (deadLetter) {
                this.writer = null;
                this.deadLetterWriter = new DeadLetterWriter(compressed);
            } else {
                this.writer = format.newWriter(compressed, localFile.getParent());
                this.deadLetterWriter = null;
            }
        } catch (IOException | RuntimeException e) {
            file.close();
            Files.deleteIfExists(localFile);
            throw e;
        }
    }

    static OpenFile create(
            PartitionPath path, Path localFile, Instant now, FileFormat format, Codec codec)
            throws IOException {
        return new OpenFile(path, localFile, now, format, codec, false);
    }

    static OpenFile createDeadLetter(Path localFile, Instant now, Codec codec) throws IOException {
        return new OpenFile(PartitionPath.empty(), localFile, now, null, codec, true);
    }

    void write(ParsedRecord record) throws IOException {
        writer.write(record);
        track(record.record());
    }

    void writeDeadLetter(ArchiveRecord record, String error) throws IOException {
        deadLetterWriter.write(record, error);
        track(record);
    }

    private void track(ArchiveRecord r) {
        if (firstOffset < 0) {
            firstOffset = r.offset();
        }
        lastOffset = r.offset();
        records++;
        if (r.timestamp() >= 0) {
            minTimestamp = Math.min(minTimestamp, r.timestamp());
            maxTimestamp = Math.max(maxTimestamp, r.timestamp());
        }
    }

    /** Bytes written to the local file, plus what the format's writer holds back (spooled rows). */
    long bytes() {
        return writer == null ? counting.count : counting.count + writer.bufferedBytes();
    }

    /** Finishes the file; afterwards {@link #bytes()} is its final size. */
    void finish() throws IOException {
        if (!closed) {
            closed = true;
            if (writer != null) {
                writer.close();
            } else {
                deadLetterWriter.close();
            }
        }
    }

    /** Closes quietly and deletes the local file. */
    void discard() {
        try {
            finish();
        } catch (IOException | RuntimeException ignored) {
            // the file is thrown away anyway
        }
        try {
            Files.deleteIfExists(localFile);
        } catch (IOException ignored) {
            // staging is cleaned on the next assignment
        }
    }

    static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
