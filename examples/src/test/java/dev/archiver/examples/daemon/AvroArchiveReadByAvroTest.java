package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.ArchiverConfig;
import dev.archiver.config.Settings;
import dev.archiver.testing.EmbeddedKafka;
import dev.archiver.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Avro archives written by the engine, with each block codec, are opened by Avro's own {@code
 * DataFileReader} as they are (no outer decompression) and hold every record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AvroArchiveReadByAvroTest {
    private static final int RECORDS = 1_500;

    @TempDir static Path dir;
    private EmbeddedKafka.Broker kafka;
    private String topic;
    private final Map<String, byte[]> values = new HashMap<>();

    @BeforeAll
    void produce() {
        kafka = EmbeddedKafka.shared();
        topic = "avro-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(topic, 3);
        List<ProducerRecord<byte[], byte[]>> records = TestData.mixed(topic, 3, RECORDS, 5);
        var metadata = kafka.produce(records);
        for (int i = 0; i < records.size(); i++) {
            values.put(
                    metadata.get(i).partition() + "/" + metadata.get(i).offset(),
                    records.get(i).value());
        }
    }

    @ParameterizedTest(name = "codec={0}")
    @CsvSource({"none, null", "gzip, deflate", "snappy, snappy", "zstd, zstandard"})
    void avrosOwnReaderOpensEveryObject(String codec, String blockCodec) throws Exception {
        Path archive = dir.resolve(codec);
        String group = "archiver-" + codec + "-" + topic;
        Map<String, String> s = new HashMap<>();
        s.put("kafka.consumer.bootstrap.servers", kafka.bootstrapServers());
        s.put("kafka.consumer.group.id", group);
        s.put("topics", topic);
        s.put("storage.uri", "file://" + archive);
        s.put("staging.dir", dir.resolve("staging-" + codec).toString());
        s.put("format", "avro");
        s.put("codec", codec);
        s.put("upload.max-records", "400");
        s.put("upload.max-file-age", "1s");
        s.put("consumer.poll-timeout", "200ms");
        try (Archiver a = Archiver.create(ArchiverConfig.from(Settings.of(s)));
                KafkaAdmin admin = KafkaAdmin.create(kafka.bootstrapServers())) {
            a.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (admin.uncommitted(group, topic) > 0) {
                assertThat(a.failure()).isEmpty();
                assertThat(System.nanoTime()).as("archived in time").isLessThan(deadline);
                Thread.sleep(200);
            }
        }

        List<Path> objects;
        try (var files = Files.walk(archive)) {
            // the archiver's own objects (_archiver/: intents) are not archive data
            objects =
                    files.filter(Files::isRegularFile)
                            .filter(f -> !archive.relativize(f).startsWith("_archiver"))
                            .toList();
        }
        assertThat(objects).as("one object per partition at least").hasSizeGreaterThanOrEqualTo(3);
        Map<String, byte[]> read = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (Path object : objects) {
            assertThat(object.getFileName().toString()).endsWith(".avro");
            try (DataFileReader<GenericRecord> reader =
                    new DataFileReader<>(object.toFile(), new GenericDatumReader<>())) {
                assertThat(reader.getMetaString("avro.codec")).isEqualTo(blockCodec);
                for (GenericRecord r : reader) {
                    assertThat(r.get("topic").toString()).isEqualTo(topic);
                    String at = r.get("partition") + "/" + r.get("offset");
                    if (read.put(at, bytes(r.get("value"))) != null) {
                        duplicates.add(at);
                    }
                }
            }
        }
        assertThat(duplicates).isEmpty();
        assertThat(read.keySet()).isEqualTo(values.keySet());
        for (var e : values.entrySet()) {
            assertThat(read.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    private static byte[] bytes(Object o) {
        if (o == null) {
            return null;
        }
        ByteBuffer b = ((ByteBuffer) o).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
