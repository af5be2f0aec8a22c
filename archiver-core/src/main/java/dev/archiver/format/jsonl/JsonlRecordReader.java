package dev.archiver.format.jsonl;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.archiver.format.RecordReader;
import dev.archiver.record.ArchiveRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

final class JsonlRecordReader implements RecordReader {
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] line = new byte[4096];
    private int lineLength;
    private long lineNumber;
    private boolean closed;

    JsonlRecordReader(InputStream in) {
        this.in = in;
    }

    @Override
    public ArchiveRecord read() throws IOException {
        if (closed) {
            throw new IOException("jsonl reader is closed");
        }
        while (nextLine()) {
            if (isBlank()) {
                continue;
            }
            try {
                return JsonlRecords.read(line, 0, lineLength);
            } catch (JsonProcessingException e) {
                throw new IOException(
                        "Corrupt jsonl file: line "
                                + lineNumber
                                + " is not valid JSON: "
                                + e.getOriginalMessage(),
                        e);
            } catch (IllegalArgumentException e) {
                throw new IOException(
                        "Corrupt jsonl file: line " + lineNumber + ": " + e.getMessage(), e);
            }
        }
        return null;
    }

    /** Reads the next line without its {@code \n}; false at the end of the file. */
    private boolean nextLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (position == limit) {
                int n = in.read(buffer);
                if (n < 0) {
                    if (lineLength == 0) {
                        return false;
                    }
                    throw new IOException(
                            "Truncated jsonl file: line "
                                    + (lineNumber + 1)
                                    + " ("
                                    + lineLength
                                    + " bytes) ends without a newline at the end of the file");
                }
                position = 0;
                limit = n;
                continue;
            }
            int i = position;
            while (i < limit && buffer[i] != '\n') {
                i++;
            }
            append(position, i - position);
            if (i < limit) {
                position = i + 1;
                lineNumber++;
                return true;
            }
            position = limit;
        }
    }

    private void append(int from, int length) {
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(buffer, from, line, lineLength, length);
        lineLength += length;
    }

    private boolean isBlank() {
        for (int i = 0; i < lineLength; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            in.close();
        }
    }
}
