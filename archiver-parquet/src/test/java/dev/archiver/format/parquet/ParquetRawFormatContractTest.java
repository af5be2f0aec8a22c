package dev.archiver.format.parquet;

import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;

/** The default mode: the value's bytes in {@code raw_value}, lossless, snappy pages. */
class ParquetRawFormatContractTest extends ParquetContractBinding {

    @Override
    protected FileFormat format() {
        return new ParquetFormatProvider().create(Settings.empty());
    }
}
