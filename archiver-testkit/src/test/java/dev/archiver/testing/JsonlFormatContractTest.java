package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.archiver.codec.StandardCodecs;
import dev.archiver.format.FileFormat;
import dev.archiver.format.jsonl.JsonlFormat;
import dev.archiver.format.jsonl.PayloadEncoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default jsonl format: JSON payloads embedded as they are ({@link PayloadEncoding#JSON}). */
class JsonlFormatContractTest extends AbstractFileFormatContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected FileFormat format() {
        return new JsonlFormat();
    }

    @Test
    void defaultIsJsonEncoding() {
        assertThat(((JsonlFormat) format()).payloadEncoding()).isEqualTo(PayloadEncoding.JSON);
    }

    @Test
    void embedsOnlyDocumentsThatKeepTheLineOneLineOfJson() throws IOException {
        List<byte[]> payloads = jsonLikePayloads();
        List<dev.archiver.record.ArchiveRecord> records = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            records.add(record("t", 0, i, null, payloads.get(i), List.of()));
        }
        String file = new String(write(records, StandardCodecs.NONE), StandardCharsets.UTF_8);
        String[] lines = file.split("\n", -1);
        assertThat(lines).hasSize(records.size() + 1);
        assertThat(lines[records.size()]).isEmpty();
        List<String> embedded = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode node = JSON.readTree(lines[i]);
            JsonNode value = node.get("value");
            if (value != null && !value.isNull()) {
                assertThat(value.isTextual()).as("line %d", i).isFalse();
                embedded.add(new String(payloads.get(i), StandardCharsets.UTF_8));
            }
        }
        assertThat(embedded)
                .contains(
                        "{\"country\":\"ES\",\"n\":1}",
                        "{\"a\":\t1}",
                        "42",
                        "123456789012345678901234567890",
                        "true",
                        "[".repeat(100) + "]".repeat(100))
                .doesNotContain(
                        "null",
                        "\"a JSON string\"",
                        "{\"a\":1}x",
                        "{\"a\":1}{\"b\":2}",
                        " {\"a\":1}",
                        "{\"a\":1} ",
                        "\uFEFF{\"a\":1}",
                        "{\"a\":1,\"a\":2}",
                        "{\"a\":\"\\ud800\"}",
                        "[".repeat(101) + "]".repeat(101))
                .noneMatch(s -> s.contains("\n") || s.contains("\r"));
    }
}
