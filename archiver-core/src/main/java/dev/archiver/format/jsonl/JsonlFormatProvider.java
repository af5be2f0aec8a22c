package dev.archiver.format.jsonl;

import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;

/**
 * Provides the {@code jsonl} format. Setting: {@code payload-encoding} = {@code json} (default) |
 * {@code base64} | {@code utf8-or-base64}; see {@link PayloadEncoding}.
 */
public final class JsonlFormatProvider implements FileFormatProvider {

    @Override
    public String name() {
        return "jsonl";
    }

    @Override
    public FileFormat create(Settings settings) {
        return new JsonlFormat(
                settings.getEnum("payload-encoding", PayloadEncoding.class, PayloadEncoding.JSON));
    }
}
