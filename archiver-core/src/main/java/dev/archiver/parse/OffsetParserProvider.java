package dev.archiver.parse;

import dev.archiver.config.Settings;

/** Provides {@link OffsetParser} as {@code offset}. */
public final class OffsetParserProvider implements RecordParserProvider {
    @Override
    public String name() {
        return "offset";
    }

    @Override
    public RecordParser create(Settings settings) {
        return new OffsetParser();
    }
}
