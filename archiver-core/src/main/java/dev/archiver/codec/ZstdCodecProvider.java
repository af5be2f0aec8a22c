package dev.archiver.codec;

import com.github.luben.zstd.Zstd;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;

/**
 * Provides the {@code zstd} codec. Setting: {@code level} (default {@value
 * ZstdCodec#DEFAULT_LEVEL}).
 */
public final class ZstdCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "zstd";
    }

    @Override
    public Codec create(Settings settings) {
        int level = settings.getInt("level", ZstdCodec.DEFAULT_LEVEL);
        int min = Zstd.minCompressionLevel();
        int max = Zstd.maxCompressionLevel();
        if (level < min || level > max) {
            throw new ConfigException(
                    "Invalid value '"
                            + level
                            + "' for "
                            + settings.fullKey("level")
                            + ": expected an integer from "
                            + min
                            + " to "
                            + max);
        }
        return level == ZstdCodec.DEFAULT_LEVEL ? StandardCodecs.ZSTD : new ZstdCodec(level);
    }
}
