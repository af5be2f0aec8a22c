package dev.archiver.codec;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;

/**
 * Provides the {@code gzip} codec. Setting: {@code level} (default {@value
 * GzipCodec#DEFAULT_LEVEL}, from {@value GzipCodec#MIN_LEVEL} to {@value GzipCodec#MAX_LEVEL}).
 */
public final class GzipCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public Codec create(Settings settings) {
        int level = settings.getInt("level", GzipCodec.DEFAULT_LEVEL);
        if (level < GzipCodec.MIN_LEVEL || level > GzipCodec.MAX_LEVEL) {
            throw new ConfigException(
                    "Invalid value '"
                            + level
                            + "' for "
                            + settings.fullKey("level")
                            + ": expected an integer from "
                            + GzipCodec.MIN_LEVEL
                            + " to "
                            + GzipCodec.MAX_LEVEL);
        }
        return level == GzipCodec.DEFAULT_LEVEL ? StandardCodecs.GZIP : new GzipCodec(level);
    }
}
