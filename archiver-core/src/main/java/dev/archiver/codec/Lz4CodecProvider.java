package dev.archiver.codec;

import dev.archiver.config.Settings;

/** Provides the {@code lz4} codec; it has no settings. */
public final class Lz4CodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "lz4";
    }

    @Override
    public Codec create(Settings settings) {
        return StandardCodecs.LZ4;
    }
}
