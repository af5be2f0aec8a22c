package dev.archiver.testing;

import dev.archiver.format.FileFormat;
import dev.archiver.format.text.TextFormat;

class TextFormatContractTest extends AbstractFileFormatContractTest {

    @Override
    protected FileFormat format() {
        return new TextFormat();
    }
}
