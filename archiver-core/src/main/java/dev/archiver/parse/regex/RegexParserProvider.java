package dev.archiver.parse.regex;

import dev.archiver.config.Settings;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.RecordParserProvider;

/** Provides {@link RegexParser} as {@code regex}; settings in {@link RegexParserConfig}. */
public final class RegexParserProvider implements RecordParserProvider {
    @Override
    public String name() {
        return "regex";
    }

    @Override
    public RecordParser create(Settings settings) {
        return new RegexParser(RegexParserConfig.from(settings));
    }
}
