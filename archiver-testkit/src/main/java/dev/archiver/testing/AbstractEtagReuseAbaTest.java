package dev.archiver.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.codec.Codec;
import dev.archiver.codec.CodecProvider;
import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.format.FileFormat;
import dev.archiver.format.FileFormatProvider;
import dev.archiver.format.RecordReader;
import dev.archiver.format.RecordWriter;
import dev.archiver.parse.ParsedRecord;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.RecordHeader;
import dev.archiver.record.TimestampType;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hole 6 of issue 14, "ETag reuse (ABA)", for every format and codec the product offers, on a store
 * whose if-match tag is the content's MD5 (S3, Swift). A leftover is uploaded; the partition's new
 * owner replays the same records and replaces it with if-match on the leftover's tag, and commits;
 * then a zombie's delayed if-match on that same tag arrives with its own batch. The zombie must be
 * refused: the replay's bytes, and so its tag, differ from the leftover's. The readers (ours, and
 * an independent one where the format has one: DuckDB for jsonl and parquet, Avro's {@code
 * DataFileReader}) read the same records from both files.
 *
 * <p>The only combination whose files cannot differ, {@code text} without compression (a nonce
 * would be a record), must be refused at startup on such a store ({@link
 * #textWithoutCompressionStillReusesTheTag} shows why). Bindings need the {@code parquet} format
 * and the DuckDB JDBC driver on the test class path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractEtagReuseAbaTest {
    private static final int RECORDS = 300;

    private ObjectStorage storage;
    private StorageLocation root;

    @TempDir protected Path tmp;

    /** Creates the storage under test, connected to a running server. */
    protected abstract ObjectStorage createStorage() throws Exception;

    /** A location (bucket or container + prefix) below which the test may write. */
    protected abstract StorageLocation root() throws Exception;

    @BeforeAll
    final void createStorageOnce() throws Exception {
        storage = createStorage();
        root = root().resolve("aba-" + UUID.randomUUID());
    }

    @AfterAll
    final void closeStorage() throws Exception {
        if (storage != null) {
            List<StorageLocation> left;
            try (Stream<ObjectInfo> s = storage.list(root)) {
                left = s.map(ObjectInfo::location).toList();
            }
            storage.deleteAll(left);
            storage.close();
        }
    }

    /** A format, configured with a codec the way the engine does it. */
    public record Combination(FileFormat format, Codec codec) {
        /** The object name's suffix, as the engine names objects. */
        String extension() {
            return format.extension() + codec.extension();
        }

        boolean unique() {
            return format.writesUniqueFiles() || codec.writesUniqueFiles();
        }
    }

    /** Every format on the class path with every codec it accepts (as the engine configures it). */
    public static List<Named> combinations() {
        Map<String, Codec> codecs = new TreeMap<>();
        for (CodecProvider p : ServiceLoader.load(CodecProvider.class)) {
            codecs.put(p.name(), p.create(Settings.empty()));
        }
        Codec none = codecs.get("none");
        List<Named> all = new ArrayList<>();
        List<FileFormatProvider> formats = new ArrayList<>();
        ServiceLoader.load(FileFormatProvider.class).forEach(formats::add);
        formats.sort(Comparator.comparing(FileFormatProvider::name));
        for (FileFormatProvider p : formats) {
            FileFormat format = p.create(Settings.empty());
            for (Codec codec : codecs.values()) {
                String name = p.name() + "/" + codec.name();
                if (format.compressesInternally()) {
                    try {
                        all.add(new Named(name, new Combination(format.withCodec(codec), none)));
                    } catch (ConfigException refused) {
                        // the format does not compress with this codec: not a combination
                    }
                } else {
                    all.add(new Named(name, new Combination(format, codec)));
                }
            }
        }
        return all;
    }

    /** A combination with the name the user configures ({@code format/codec}). */
    public record Named(String name, Combination combination) {
        @Override
        public String toString() {
            return name;
        }
    }

    public static List<Named> uniqueCombinations() {
        return combinations().stream().filter(n -> n.combination().unique()).toList();
    }

    @Test
    void everyFormatAndCodecIsCoveredAndOnlyTextWithoutCompressionRepeatsItsBytes() {
        List<Named> all = combinations();
        assertThat(all.stream().map(n -> n.combination().format().name()).distinct())
                .as("formats on the class path")
                .contains("jsonl", "text", "avro", "parquet");
        assertThat(all.stream().filter(n -> !n.combination().unique()).map(Named::name))
                .containsExactly("text/none");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uniqueCombinations")
    void aZombiesDelayedIfMatchIsRefusedAfterAReplayOfTheSameRecords(Named named) throws Exception {
        Combination c = named.combination();
        List<ArchiveRecord> records = records(0, RECORDS);
        StorageLocation key =
                root.resolve(named.name() + "/events-0-00000000000000000000" + c.extension());

        Path leftover = stage(c, records, "leftover");
        storage.upload(
                leftover,
                key,
                UploadOptions.defaults().withPrecondition(Precondition.ifNoneMatch()));
        String leftoverTag = storage.stat(key).orElseThrow().etag().orElseThrow();

        // the zombie read the leftover's tag and is about to replace it with its own batch
        Path zombieBatch = stage(c, records(0, RECORDS + 50), "zombie");

        // the new owner replays the same records and replaces the leftover, then commits
        Path replay = stage(c, records, "replay");
        assertThat(md5(replay)).as("MD5 of the replay").isNotEqualTo(md5(leftover));
        storage.upload(
                replay,
                key,
                UploadOptions.defaults().withPrecondition(Precondition.ifMatch(leftoverTag)));
        String replayTag = storage.stat(key).orElseThrow().etag().orElseThrow();
        assertThat(replayTag).as("tag of the replay").isNotEqualTo(leftoverTag);

        assertThatThrownBy(
                        () ->
                                storage.upload(
                                        zombieBatch,
                                        key,
                                        UploadOptions.defaults()
                                                .withPrecondition(
                                                        Precondition.ifMatch(leftoverTag))))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(storage.stat(key).orElseThrow().etag()).contains(replayTag);

        Path stored = download(key, c, "stored");
        assertThat(md5(stored)).isEqualTo(md5(replay));
        List<ArchiveRecord> expected = c.format().lossless() ? records : valuesOnly(records);
        assertThat(read(c, leftover)).containsExactlyElementsOf(expected);
        assertThat(read(c, stored)).containsExactlyElementsOf(expected);
        assertThat(independentRead(c, stored))
                .hasSize(RECORDS)
                .containsExactlyElementsOf(independentRead(c, leftover));
    }

    @Test
    void textWithoutCompressionStillReusesTheTag() throws Exception {
        Combination c =
                combinations().stream()
                        .filter(n -> n.name().equals("text/none"))
                        .findFirst()
                        .orElseThrow()
                        .combination();
        StorageLocation key =
                root.resolve("text-none/events-0-00000000000000000000" + c.extension());
        List<ArchiveRecord> records = records(0, RECORDS);
        storage.upload(stage(c, records, "leftover"), key, UploadOptions.defaults());
        String leftoverTag = storage.stat(key).orElseThrow().etag().orElseThrow();
        storage.upload(
                stage(c, records, "replay"),
                key,
                UploadOptions.defaults().withPrecondition(Precondition.ifMatch(leftoverTag)));
        // the zombie's write passes: this is why the engine refuses text/none on such a store
        storage.upload(
                stage(c, records(0, RECORDS + 50), "zombie"),
                key,
                UploadOptions.defaults().withPrecondition(Precondition.ifMatch(leftoverTag)));
        assertThat(storage.tagFollowsContent()).isTrue();
        assertThat(read(c, download(key, c, "stored"))).hasSize(RECORDS + 50);
    }

    /** {@code count} records from {@code first}: JSON values, keys, headers (no line breaks). */
    protected static List<ArchiveRecord> records(long first, int count) {
        List<ArchiveRecord> list = new ArrayList<>(count);
        for (long o = first; o < first + count; o++) {
            list.add(
                    new ArchiveRecord(
                            "events",
                            0,
                            o,
                            1_764_018_000_000L + o,
                            TimestampType.CREATE_TIME,
                            ("user-" + (o % 7)).getBytes(StandardCharsets.UTF_8),
                            ("{\"n\":" + o + ",\"page\":\"/p/" + o + "\"}")
                                    .getBytes(StandardCharsets.UTF_8),
                            List.of(new RecordHeader("trace", new byte[] {0, 1, (byte) o}))));
        }
        return list;
    }

    /** What the text format's reader gives back: the values, numbered from 0. */
    private static List<ArchiveRecord> valuesOnly(List<ArchiveRecord> records) {
        List<ArchiveRecord> list = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            list.add(
                    new ArchiveRecord(
                            "",
                            0,
                            i,
                            -1,
                            TimestampType.NO_TIMESTAMP,
                            null,
                            records.get(i).value(),
                            List.of()));
        }
        return list;
    }

    /** A staged file as the engine seals it: the format's writer over the codec's stream. */
    private Path stage(Combination c, List<ArchiveRecord> records, String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(UUID.randomUUID().toString()));
        Path file = dir.resolve(name + c.extension());
        try (RecordWriter w =
                c.format()
                        .newWriter(
                                c.codec().compress(Files.newOutputStream(file)),
                                dir.resolve("scratch"))) {
            for (ArchiveRecord r : records) {
                w.write(ParsedRecord.of(r, Instant.ofEpochMilli(r.timestamp())));
            }
        }
        return file;
    }

    private Path download(StorageLocation key, Combination c, String name) throws IOException {
        Path file =
                Files.createDirectories(tmp.resolve(UUID.randomUUID().toString()))
                        .resolve(name + c.extension());
        try (InputStream in = storage.open(key)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    private static List<ArchiveRecord> read(Combination c, Path file) throws IOException {
        List<ArchiveRecord> list = new ArrayList<>();
        try (RecordReader r =
                c.format().newReader(c.codec().decompress(Files.newInputStream(file)))) {
            for (ArchiveRecord rec = r.read(); rec != null; rec = r.read()) {
                list.add(rec);
            }
        }
        return list;
    }

    /**
     * Rows as a reader we did not write sees them, one string per row: DuckDB for jsonl (the
     * compressions DuckDB reads) and parquet, Avro's {@code DataFileReader}; the decompressed lines
     * otherwise.
     */
    private static List<String> independentRead(Combination c, Path file) throws Exception {
        String format = c.format().name();
        String codec = c.codec().name();
        if (format.equals("avro")) {
            List<String> rows = new ArrayList<>();
            try (DataFileReader<GenericRecord> r =
                    new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
                for (GenericRecord g : r) {
                    rows.add(g.toString());
                }
            }
            return rows;
        }
        if (format.equals("parquet")
                || (format.equals("jsonl") && Set.of("none", "gzip", "zstd").contains(codec))) {
            String sql =
                    format.equals("parquet")
                            ? "SELECT * FROM read_parquet('" + file + "') ORDER BY \"offset\""
                            : "SELECT * FROM read_json('"
                                    + file
                                    + "', format = 'newline_delimited') ORDER BY \"offset\"";
            List<String> rows = new ArrayList<>();
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                    Statement st = db.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.append(md.getColumnName(i))
                                .append('=')
                                .append(rs.getString(i))
                                .append(';');
                    }
                    rows.add(row.toString());
                }
            }
            return rows;
        }
        try (InputStream in = c.codec().decompress(Files.newInputStream(file))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().map(String::strip).toList();
        }
    }

    private static String md5(Path file) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
    }
}
