package dev.archiver.codec;

import dev.archiver.config.Settings;

/** Provides the {@code gzip} codec; it has no settings. */
public final class GzipCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public Codec create(Settings settings) {
        return StandardCodecs.GZIP;
    }
}
