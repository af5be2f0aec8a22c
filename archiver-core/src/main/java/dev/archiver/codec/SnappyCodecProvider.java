package dev.archiver.codec;

import dev.archiver.config.Settings;

/** Provides the {@code snappy} codec; it has no settings. */
public final class SnappyCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "snappy";
    }

    @Override
    public Codec create(Settings settings) {
        return StandardCodecs.SNAPPY;
    }
}
