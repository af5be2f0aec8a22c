package dev.archiver.testing;

import dev.archiver.format.FileFormat;
import dev.archiver.format.jsonl.JsonlFormat;
import dev.archiver.format.jsonl.PayloadEncoding;

class JsonlBase64FormatContractTest extends AbstractFileFormatContractTest {

    @Override
    protected FileFormat format() {
        return new JsonlFormat(PayloadEncoding.BASE64);
    }
}
