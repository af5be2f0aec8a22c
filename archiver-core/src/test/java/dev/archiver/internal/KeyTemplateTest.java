package dev.archiver.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.ArchiverConfig;
import dev.archiver.config.ConfigException;
import dev.archiver.partition.PartitionPath;
import org.junit.jupiter.api.Test;

class KeyTemplateTest {
    @Test
    void defaultTemplateRendersDeterministicKeys() {
        KeyTemplate t = KeyTemplate.parse("key.template", ArchiverConfig.DEFAULT_KEY_TEMPLATE, 1);
        assertThat(
                        t.render(
                                "events",
                                PartitionPath.of("dt=2026-11-24", "hr=21"),
                                3,
                                12345,
                                ".jsonl.zst"))
                .isEqualTo("events/dt=2026-11-24/hr=21/events-3-00000000000000012345.jsonl.zst");
    }

    @Test
    void emptyPartitionPathLeavesNoEmptySegment() {
        KeyTemplate t = KeyTemplate.parse("key.template", ArchiverConfig.DEFAULT_KEY_TEMPLATE, 1);
        assertThat(t.render("events", PartitionPath.empty(), 0, 0, ".avro"))
                .isEqualTo("events/events-0-00000000000000000000.avro");
    }

    @Test
    void secorPresetUsesGeneration() {
        KeyTemplate t = KeyTemplate.parse("key.template", ArchiverConfig.SECOR_KEY_TEMPLATE, 1);
        assertThat(t.render("t", PartitionPath.of("offset=0"), 7, 42, ""))
                .isEqualTo("t/offset=0/1_7_00000000000000000042");
    }

    @Test
    void requiredTokensAndSyntaxAreChecked() {
        assertThatThrownBy(() -> KeyTemplate.parse("key.template", "{topic}/{first_offset}", 1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must contain {kafka_partition}");
        assertThatThrownBy(
                        () ->
                                KeyTemplate.parse(
                                        "key.template",
                                        "{topic/{kafka_partition}{first_offset}",
                                        1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown token");
        assertThatThrownBy(
                        () ->
                                KeyTemplate.parse(
                                        "key.template", "{kafka_partition}{first_offset", 1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unclosed '{'");
        assertThatThrownBy(
                        () ->
                                KeyTemplate.parse(
                                        "key.template", "/{kafka_partition}{first_offset}", 1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must not start with '/'");
    }
}
