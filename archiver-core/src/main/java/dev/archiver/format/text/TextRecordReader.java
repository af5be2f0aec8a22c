package dev.archiver.format.text;

import dev.archiver.format.RecordReader;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.TimestampType;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

final class TextRecordReader implements RecordReader {
    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] piece = new byte[4096];
    private int pieceLength;
    private long index;
    private boolean closed;

    TextRecordReader(InputStream in, byte[] delimiter) {
        this.in = in;
        this.delimiter = delimiter;
    }

    @Override
    public ArchiveRecord read() throws IOException {
        if (closed) {
            throw new IOException("text reader is closed");
        }
        if (!nextPiece()) {
            return null;
        }
        byte[] value = Arrays.copyOf(piece, pieceLength);
        return new ArchiveRecord(
                "", 0, index++, -1, TimestampType.NO_TIMESTAMP, null, value, List.of());
    }

    private boolean nextPiece() throws IOException {
        pieceLength = 0;
        byte last = delimiter[delimiter.length - 1];
        while (true) {
            if (position == limit) {
                int n = in.read(buffer);
                if (n < 0) {
                    if (pieceLength == 0) {
                        return false;
                    }
                    throw new IOException(
                            "Truncated text file: record "
                                    + index
                                    + " ("
                                    + pieceLength
                                    + " bytes) ends without the delimiter at the end of the file");
                }
                position = 0;
                limit = n;
                continue;
            }
            int i = position;
            while (i < limit && buffer[i] != last) {
                i++;
            }
            boolean found = i < limit;
            int end = found ? i + 1 : limit;
            append(position, end - position);
            position = end;
            if (found && endsWithDelimiter()) {
                pieceLength -= delimiter.length;
                return true;
            }
        }
    }

    private boolean endsWithDelimiter() {
        if (pieceLength < delimiter.length) {
            return false;
        }
        return Arrays.equals(
                piece, pieceLength - delimiter.length, pieceLength, delimiter, 0, delimiter.length);
    }

    private void append(int from, int length) {
        if (pieceLength + length > piece.length) {
            piece = Arrays.copyOf(piece, Math.max(piece.length * 2, pieceLength + length));
        }
        System.arraycopy(buffer, from, piece, pieceLength, length);
        pieceLength += length;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            in.close();
        }
    }
}
