package dev.archiver.testing;

import dev.archiver.format.FileFormat;
import dev.archiver.format.jsonl.JsonlFormat;

class JsonlFormatContractTest extends AbstractFileFormatContractTest {

    @Override
    protected FileFormat format() {
        return new JsonlFormat();
    }
}
