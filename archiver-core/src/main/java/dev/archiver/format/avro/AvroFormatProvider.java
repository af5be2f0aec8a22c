package dev.archiver.format.avro;

import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;

/** Provides the {@code avro} format; it has no settings. */
public final class AvroFormatProvider implements FileFormatProvider {

    @Override
    public String name() {
        return "avro";
    }

    @Override
    public FileFormat create(Settings settings) {
        return new AvroFormat();
    }
}
