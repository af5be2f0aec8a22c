package dev.archiver.codec;

import dev.archiver.config.Settings;

/** Provides the {@code none} codec; it has no settings. */
public final class NoneCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public Codec create(Settings settings) {
        return StandardCodecs.NONE;
    }
}
