package dev.archiver.testing;

import dev.archiver.format.FileFormat;
import dev.archiver.format.jsonl.JsonlFormat;
import dev.archiver.format.jsonl.PayloadEncoding;

class JsonlUtf8OrBase64FormatContractTest extends AbstractFileFormatContractTest {

    @Override
    protected FileFormat format() {
        return new JsonlFormat(PayloadEncoding.UTF8_OR_BASE64);
    }
}
