package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.codec.Codec;
import dev.archiver.codec.StandardCodecs;
import dev.archiver.config.ConfigException;
import dev.archiver.format.FileFormat;
import dev.archiver.format.avro.AvroFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Avro, whose blocks are compressed by the job's codec (every standard codec but lz4). */
class AvroFormatContractTest extends AbstractFileFormatContractTest {

    @Override
    protected FileFormat format() {
        return new AvroFormat();
    }

    @Override
    protected Stream<Codec> codecs() {
        // Avro has no lz4 block codec; refusing it is checked below
        return super.codecs().filter(c -> !c.name().equals("lz4"));
    }

    @Test
    void compressesInternallyAndRefusesLz4() {
        assertThat(format().compressesInternally()).isTrue();
        assertThat(codecs().map(Codec::name))
                .containsExactlyInAnyOrder("none", "gzip", "zstd", "snappy");
        assertThatThrownBy(() -> format().withCodec(StandardCodecs.LZ4))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("codec");
    }
}
