package dev.archiver.parse.json;

import dev.archiver.config.Settings;
import dev.archiver.parse.RecordParser;
import dev.archiver.parse.RecordParserProvider;

/** Provides {@link JsonParser} as {@code json}; settings in {@link JsonParserConfig}. */
public final class JsonParserProvider implements RecordParserProvider {
    @Override
    public String name() {
        return "json";
    }

    @Override
    public RecordParser create(Settings settings) {
        return new JsonParser(JsonParserConfig.from(settings));
    }
}
