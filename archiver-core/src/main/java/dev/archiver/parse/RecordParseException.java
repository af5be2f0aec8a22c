package dev.archiver.parse;

import dev.archiver.record.ArchiveRecord;

/**
 * A record could not be parsed. The message names the topic, partition and offset, never the
 * payload.
 *
 * @since 0.1
 */
public class RecordParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RecordParseException(ArchiveRecord record, String reason) {
        this(record, reason, null);
    }

    public RecordParseException(ArchiveRecord record, String reason, Throwable cause) {
        super(
                "Cannot parse "
                        + record.topic()
                        + "-"
                        + record.partition()
                        + "@"
                        + record.offset()
                        + ": "
                        + reason,
                cause);
    }
}
