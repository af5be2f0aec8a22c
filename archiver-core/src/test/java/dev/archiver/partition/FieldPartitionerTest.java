package dev.archiver.partition;

import static dev.archiver.parse.TestRecords.parsed;
import static dev.archiver.parse.TestRecords.scoped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldPartitionerTest {
    private static final String PREFIX = "partitioner.field.";

    private static Partitioner partitioner(String... keyValues) {
        return new FieldPartitionerProvider().create(scoped(PREFIX, keyValues));
    }

    @Test
    void oneSegmentPerFieldNamedAfterTheLastPathElement() {
        Partitioner p = partitioner("fields", "country, user.tier");
        assertThat(
                        p.partition(parsed(Map.of("country", "FR", "user", Map.of("tier", "gold"))))
                                .segments())
                .containsExactly("country=FR", "tier=gold");
    }

    @Test
    void namesCanBeOverridden() {
        Partitioner p = partitioner("fields", "country,user.tier", "field-names", "c,t");
        assertThat(
                        p.partition(parsed(Map.of("country", "FR", "user", Map.of("tier", "gold"))))
                                .path())
                .isEqualTo("c=FR/t=gold");
    }

    @Test
    void scalarsOfEveryKind() {
        Partitioner p = partitioner("fields", "i,l,d,b,bd");
        Map<String, Object> fields =
                Map.of("i", 7, "l", 1L << 40, "d", 1.5, "b", true, "bd", new BigDecimal("1E+3"));
        assertThat(p.partition(parsed(fields)).path())
                .isEqualTo("i=7/l=1099511627776/d=1.5/b=true/bd=1000");
    }

    @Test
    void missingNullEmptyAndNonScalarValuesUseTheDefault() {
        Partitioner p = partitioner("fields", "a,b,c,d,e");
        Map<String, Object> fields = new HashMap<>();
        fields.put("b", null);
        fields.put("c", "");
        fields.put("d", Map.of("x", 1));
        fields.put("e", List.of(1));
        assertThat(p.partition(parsed(fields)).path())
                .isEqualTo("a=unknown/b=unknown/c=unknown/d=unknown/e=unknown");
        Partitioner custom =
                partitioner("fields", "a", "default-value", "__HIVE_DEFAULT_PARTITION__");
        assertThat(custom.partition(parsed(Map.of())).path())
                .isEqualTo("a=__HIVE_DEFAULT_PARTITION__");
        Partitioner escapedDefault = partitioner("fields", "a", "default-value", "n/a");
        assertThat(escapedDefault.partition(parsed(Map.of())).path()).isEqualTo("a=n%2Fa");
    }

    @Test
    void missingCanFail() {
        Partitioner p = partitioner("fields", "user.id", "on-missing", "fail");
        assertThatThrownBy(() -> p.partition(parsed(Map.of("user", Map.of()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user.id")
                .hasMessageContaining("events-3@0");
        assertThat(p.partition(parsed(Map.of("user", Map.of("id", "42")))).path())
                .isEqualTo("id=42");
    }

    @Test
    void valuesAreEscapedHiveStyle() {
        Partitioner p = partitioner("fields", "v");
        assertThat(
                        p.partition(
                                        parsed(
                                                Map.of(
                                                        "v",
                                                        "a/b\\c%d=e:f?g*h\"i'j#k^l{m[n]o\u0001p\u007fq\nr")))
                                .path())
                .isEqualTo(
                        "v=a%2Fb%5Cc%25d%3De%3Af%3Fg%2Ah%22i%27j%23k%5El%7Bm%5Bn%5Do%01p%7Fq%0Ar");
        assertThat(p.partition(parsed(Map.of("v", ".."))).segments()).containsExactly("v=..");
        assertThat(p.partition(parsed(Map.of("v", "Zürich 東京"))).path()).isEqualTo("v=Zürich 東京");
        assertThat(FieldPartitioner.escape("plain-value_1.2")).isEqualTo("plain-value_1.2");
    }

    @Test
    void isDeterministic() {
        Partitioner p = partitioner("fields", "a");
        assertThat(p.partition(parsed(Map.of("a", "x/y"))))
                .isEqualTo(p.partition(parsed(Map.of("a", "x/y"))));
    }

    @Test
    void configErrorsNameTheFullKey() {
        assertThatThrownBy(() -> partitioner())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.field.fields");
        assertThatThrownBy(() -> partitioner("fields", "a..b"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.field.fields");
        assertThatThrownBy(() -> partitioner("fields", "a,b", "field-names", "x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.field.field-names");
        assertThatThrownBy(() -> partitioner("fields", "a", "field-names", "x/y"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.field.field-names");
        assertThatThrownBy(() -> partitioner("fields", "a", "on-missing", "skip"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.field.on-missing")
                .hasMessageContaining("default, fail");
        assertThatThrownBy(() -> partitioner("fields", "a", "default-value", ""))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.field.default-value");
    }

    @Test
    void programmaticConfig() {
        FieldPartitionerConfig config = FieldPartitionerConfig.of("a.b", "c");
        assertThat(config.names()).containsExactly("b", "c");
        assertThat(config.onMissing()).isEqualTo(FieldPartitionerConfig.OnMissing.DEFAULT);
        assertThat(config.defaultValue()).isEqualTo("unknown");
        assertThat(new FieldPartitioner(config).partition(parsed(Map.of("c", 1))).path())
                .isEqualTo("b=unknown/c=1");
    }
}
