package dev.archiver.bench.jmh;

import dev.archiver.bench.DataSet;
import dev.archiver.config.Settings;
import dev.archiver.plugin.PluginProvider;
import dev.archiver.plugin.Plugins;
import dev.archiver.record.ArchiveRecord;
import dev.archiver.record.TimestampType;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

/**
 * Shared fixtures of the micro-benchmarks: the end-to-end benchmark's records, plug-ins by name.
 */
final class HotPath {
    /** Records per benchmark invocation; every benchmark reports operations = records. */
    static final int BATCH = 1000;

    /**
     * Distinct records the write benchmark cycles through: 16 MB, far more than a compressor's
     * window (zstd level 3: 2 MB), so that it cannot find the previous batch again and compress it
     * for free.
     */
    static final int DISTINCT = 16 * BATCH;

    static final int RECORD_SIZE = 1024;

    private HotPath() {}

    /**
     * {@link #BATCH} distinct records as the end-to-end benchmark produces them (~1 KB JSON
     * values), with Kafka timestamps one second apart starting at 2026-11-25T00:00Z.
     */
    static ArchiveRecord[] records() {
        return records(BATCH);
    }

    /** {@code count} distinct records, as {@link #records()}. */
    static ArchiveRecord[] records(int count) {
        Random random = new Random(42);
        ArchiveRecord[] records = new ArchiveRecord[count];
        long t0 = 1_764_028_800_000L;
        for (int i = 0; i < count; i++) {
            records[i] =
                    new ArchiveRecord(
                            "events",
                            3,
                            1_000_000L + i,
                            t0 + i * 1000L,
                            TimestampType.CREATE_TIME,
                            ("user-" + (i % 10_000)).getBytes(StandardCharsets.UTF_8),
                            DataSet.jsonRecord(i, RECORD_SIZE, random),
                            java.util.List.of());
        }
        return records;
    }

    /** The plug-in {@code name} of the kind (codec, format, parser, partitioner), with settings. */
    static <T, P extends PluginProvider<T>> T plugin(
            Class<P> provider, String kind, String name, Map<String, String> settings) {
        P p = Plugins.find(provider, name, kind, Plugins.defaultClassLoader());
        return p.create(Settings.of(settings).withPrefix(kind + "." + name + "."));
    }

    /** Counts and drops bytes, like a file that costs nothing. */
    static final class NullOutputStream extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
