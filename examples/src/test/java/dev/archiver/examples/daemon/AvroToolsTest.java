package dev.archiver.examples.daemon;

/**
 * The tools on an Avro archive compressed with zstd: plain {@code .avro} objects whose blocks are
 * zstandard-compressed, with no outer codec.
 */
class AvroToolsTest extends ToolsTest {

    @Override
    protected String format() {
        return "avro";
    }

    @Override
    protected String codec() {
        return "zstd";
    }

    @Override
    protected String objectSuffix() {
        return ".avro";
    }
}
