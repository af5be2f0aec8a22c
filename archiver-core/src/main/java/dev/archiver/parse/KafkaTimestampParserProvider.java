package dev.archiver.parse;

import dev.archiver.config.Settings;

/** Provides {@link KafkaTimestampParser} as {@code kafka-timestamp}. */
public final class KafkaTimestampParserProvider implements RecordParserProvider {
    @Override
    public String name() {
        return "kafka-timestamp";
    }

    @Override
    public RecordParser create(Settings settings) {
        return new KafkaTimestampParser(KafkaTimestampParser.Config.from(settings));
    }
}
