package dev.archiver.testing;

import dev.archiver.format.FileFormat;
import dev.archiver.format.avro.AvroFormat;

class AvroFormatContractTest extends AbstractFileFormatContractTest {

    @Override
    protected FileFormat format() {
        return new AvroFormat();
    }
}
