package dev.archiver.partition;

import static dev.archiver.parse.TestRecords.record;
import static dev.archiver.parse.TestRecords.scoped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.parse.ParsedRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OffsetRangePartitionerTest {
    private static final String PREFIX = "partitioner.offset-range.";

    private static String path(Partitioner p, long offset) {
        return p.partition(ParsedRecord.of(record(offset, 0, "x"), Instant.EPOCH)).path();
    }

    @Test
    void defaultsMirrorSecor() {
        Partitioner p = new OffsetRangePartitionerProvider().create(Settings.empty());
        assertThat(path(p, 0)).isEqualTo("offset=0");
        assertThat(path(p, 9_999_999)).isEqualTo("offset=0");
        assertThat(path(p, 10_000_000)).isEqualTo("offset=10000000");
        assertThat(path(p, 123_456_789_012L)).isEqualTo("offset=123450000000");
        assertThat(OffsetRangePartitioner.Config.from(Settings.empty()))
                .isEqualTo(OffsetRangePartitioner.Config.defaults());
    }

    @Test
    void rangeAndPrefixAreConfigurable() {
        Partitioner p =
                new OffsetRangePartitionerProvider()
                        .create(scoped(PREFIX, "range", "1000", "prefix", "o_"));
        assertThat(path(p, 999)).isEqualTo("o_0");
        assertThat(path(p, 1000)).isEqualTo("o_1000");
        assertThat(path(p, 1999)).isEqualTo("o_1000");
        assertThat(path(p, Long.MAX_VALUE)).isEqualTo("o_9223372036854775000");
        Partitioner one = new OffsetRangePartitionerProvider().create(scoped(PREFIX, "range", "1"));
        assertThat(path(one, 17)).isEqualTo("offset=17");
    }

    @Test
    void configErrorsNameTheFullKey() {
        for (String bad : new String[] {"0", "-5", "many"}) {
            assertThatThrownBy(
                            () ->
                                    new OffsetRangePartitionerProvider()
                                            .create(scoped(PREFIX, "range", bad)))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("partitioner.offset-range.range");
        }
        assertThatThrownBy(
                        () ->
                                new OffsetRangePartitionerProvider()
                                        .create(scoped(PREFIX, "prefix", "a/b=")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.offset-range.prefix");
    }

    @Test
    void nonePartitionerGivesTheEmptyPath() {
        Partitioner none = new NonePartitionerProvider().create(Settings.empty());
        assertThat(none.partition(ParsedRecord.of(record(5, 0, "x"), Instant.EPOCH)))
                .isEqualTo(PartitionPath.empty());
        assertThat(none.partition(ParsedRecord.of(record(5, 0, "x"), Instant.EPOCH)).path())
                .isEmpty();
    }
}
