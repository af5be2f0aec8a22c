package dev.archiver.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.format.avro.ValueSchema;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class DataSetTest {
    @Test
    void everyEventFitsTheAvroSchemaWithEveryFieldTyped() {
        ValueSchema schema =
                ValueSchema.of(
                        new Schema.Parser().parse(DataSet.AVRO_SCHEMA), ValueSchema.Encoding.JSON);
        Random random = new Random(42);
        for (long id = 0; id < 5_000; id++) {
            byte[] json = DataSet.jsonRecord(id, 1024, random);
            assertThat(json).hasSize(1024);
            GenericRecord r = schema.decode(json);
            assertThat(r.get("id")).isEqualTo(id);
            assertThat(r.get("user").toString()).startsWith("user-");
            assertThat(r.get("event").toString()).isNotEmpty();
            assertThat(r.get("amount")).isInstanceOf(Double.class);
            assertThat((Double) r.get("amount")).isBetween(0.0, 10_000.0);
            assertThat(r.get("session").toString()).matches("[0-9a-f]{1,16}");
            assertThat(new String(json, StandardCharsets.US_ASCII)).endsWith(r.get("text") + "\"}");
        }
    }
}
