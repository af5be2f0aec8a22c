package dev.archiver.testing;

import dev.archiver.format.FileFormat;
import dev.archiver.format.text.TextFormat;

class TextMultiByteDelimiterFormatContractTest extends AbstractFileFormatContractTest {

    @Override
    protected FileFormat format() {
        return new TextFormat(TextFormat.parseDelimiter("\\r\\n--\\0"));
    }
}
