package dev.archiver.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Writes the results as a text table, CSV and a PNG bar chart. */
final class Report {
    private static final String HEADER =
            String.format(
                    Locale.ROOT,
                    "%-34s %10s %8s %7s %10s %8s %7s %7s %7s %8s %9s %8s %8s %8s %13s %8s",
                    "run",
                    "records/s",
                    "MB/s",
                    "ratio",
                    "steady r/s",
                    "st.ratio",
                    "join s",
                    "drain s",
                    "tail s",
                    "CPU s/GB",
                    "heap MB",
                    "live MB",
                    "RSS MB",
                    "objects",
                    "mean obj KB",
                    "verified");

    private Report() {}

    static String row(BenchmarkResult r) {
        return String.format(
                Locale.ROOT,
                "%-34s %10.0f %8.2f %7.3f %10s %8s %7.2f %7.2f %7.2f %8.1f %9.1f %8.1f %8.1f %8d"
                        + " %13.1f %8s",
                r.label(),
                r.recordsPerSecond(),
                r.megabytesPerSecond(),
                r.ratio(),
                BenchmarkResult.fmt(r.steadyRecordsPerSecond(), 0),
                BenchmarkResult.fmt(r.steadyRatio(), 3),
                r.joinSeconds(),
                r.drainSeconds(),
                r.tailSeconds(),
                r.cpuSecondsPerGigabyte(),
                r.peakHeapBytes() / 1e6,
                r.liveHeapBytes() / 1e6,
                r.rssBytes() / 1e6,
                r.objects(),
                r.meanObjectKilobytes(),
                r.verified());
    }

    static String table(List<BenchmarkResult> results, BenchmarkOptions options) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%,d records of ~%d B per topic; stores %s; upload.max-file-size=%s,"
                                + " upload.max-file-age=%s%n",
                        options.records(),
                        options.recordSize(),
                        options.stores(),
                        options.maxFileSize(),
                        options.maxFileAge()));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "benchmark JVM: %d CPUs, -Xmx %d MB, Java %s; broker (and S3Proxy) in"
                                + " separate JVMs%n",
                        Runtime.getRuntime().availableProcessors(),
                        Runtime.getRuntime().maxMemory() / (1024 * 1024),
                        System.getProperty("java.version")));
        sb.append(HEADER).append('\n');
        for (BenchmarkResult r : results) {
            sb.append(row(r)).append('\n');
        }
        sb.append(
                "ratio: records/s relative to the plain consumer on the same topic. heap: peak"
                        + " heap used during the run (sampled every 5 ms). live: the most heap left"
                        + " after a GC during the run. RSS: VmRSS of the benchmark JVM after the"
                        + " run (process-wide). records/s, MB/s and ratio count from start until every"
                        + " offset is committed. join s: start to the first record (group join, first"
                        + " fetch); drain s: start to the last record consumed; tail s: last record"
                        + " consumed to the end (archiver: last seals, mostly max-file-age, uploads,"
                        + " commits). steady r/s: records / (drain s - join s); st.ratio: that rate"
                        + " relative to the plain consumer's. With parquet the codec is its page"
                        + " codec; [typed+raw] and [raw] say which value columns it writes.\n");
        return sb.toString();
    }

    static void write(List<BenchmarkResult> results, BenchmarkOptions options, PrintStream log)
            throws IOException {
        String table = table(results, options);
        log.println();
        log.print(table);
        Files.writeString(options.out().resolve("results.txt"), table, StandardCharsets.UTF_8);
        List<String> csv = new ArrayList<>();
        csv.add(BenchmarkResult.CSV_HEADER);
        results.forEach(r -> csv.add(r.csv()));
        Files.write(options.out().resolve("results.csv"), csv, StandardCharsets.UTF_8);
        ImageIO.write(chart(results), "png", options.out().resolve("results.png").toFile());
        log.println("wrote results.txt, results.csv and results.png to " + options.out());
    }

    /** Horizontal bars of MB/s, one per run; the plain consumer in grey. */
    static BufferedImage chart(List<BenchmarkResult> results) {
        System.setProperty("java.awt.headless", "true");
        int bar = 22;
        int gap = 6;
        int left = 290;
        int right = 140;
        int top = 50;
        int plot = 600;
        int width = left + plot + right;
        int height = top + results.size() * (bar + gap) + 40;
        double max =
                results.stream().mapToDouble(BenchmarkResult::megabytesPerSecond).max().orElse(1);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(
                    RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(
                    "Kafka Archiver end to end vs plain KafkaConsumer (MB/s, higher is better)",
                    10,
                    25);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int y = top;
            for (BenchmarkResult r : results) {
                int w = (int) Math.round(plot * r.megabytesPerSecond() / max);
                boolean consumer = r.subject().equals("consumer");
                g.setColor(consumer ? new Color(120, 120, 120) : colour(r.codec()));
                g.fillRect(left, y, Math.max(w, 1), bar);
                g.setColor(Color.BLACK);
                g.drawString(r.label(), 8, y + bar - 6);
                g.drawString(
                        String.format(
                                Locale.ROOT,
                                "%.1f MB/s  (%.2fx)",
                                r.megabytesPerSecond(),
                                r.ratio()),
                        left + Math.max(w, 1) + 6,
                        y + bar - 6);
                y += bar + gap;
            }
            g.setStroke(new BasicStroke(1));
            g.drawLine(left, top - 4, left, y);
            g.setColor(new Color(90, 90, 90));
            g.drawString(
                    "grey: plain consumer; blue: codec none; orange: gzip; green: zstd; teal:"
                            + " snappy; purple: other",
                    10,
                    y + 22);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static Color colour(String codec) {
        return switch (codec.replaceAll(":.*", "")) {
            case "none" -> new Color(66, 114, 196);
            case "gzip" -> new Color(237, 125, 49);
            case "zstd" -> new Color(84, 160, 84);
            case "snappy" -> new Color(60, 170, 190);
            default -> new Color(128, 90, 170);
        };
    }
}
