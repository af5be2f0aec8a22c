package dev.archiver.partition;

import static dev.archiver.parse.TestRecords.parsed;
import static dev.archiver.parse.TestRecords.scoped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.config.ConfigException;
import dev.archiver.config.Settings;
import dev.archiver.partition.TimePartitionerConfig.Granularity;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimePartitionerTest {
    private static final String PREFIX = "partitioner.time.";

    private static Partitioner partitioner(String... keyValues) {
        return new TimePartitionerProvider().create(scoped(PREFIX, keyValues));
    }

    private static String path(Partitioner p, String instant) {
        return p.partition(parsed(Instant.parse(instant))).path();
    }

    @Test
    void eventTimesOutsideYearsOneTo9999AreBadRecords() {
        Partitioner p = partitioner();
        assertThat(path(p, "0001-01-01T00:00:00Z")).isEqualTo("dt=0001-01-01/hr=00");
        assertThat(path(p, "9999-12-31T23:59:59Z")).isEqualTo("dt=9999-12-31/hr=23");
        // year -292275055 would print as year of era "+292275056", a path in the far future
        assertThatThrownBy(() -> p.partition(parsed(Instant.ofEpochMilli(Long.MIN_VALUE))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the years 1 to 9999");
        assertThatThrownBy(() -> p.partition(parsed(Instant.parse("0000-12-31T23:00:00Z"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.partition(parsed(Instant.ofEpochMilli(Long.MAX_VALUE))))
                .isInstanceOf(IllegalArgumentException.class);
        // the local year counts: 9999-12-31T23:00Z is year 10000 in UTC+2
        assertThatThrownBy(
                        () ->
                                partitioner("zone", "+02:00")
                                        .partition(parsed(Instant.parse("9999-12-31T23:00:00Z"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultIsDateAndHourInUtc() {
        Partitioner p = partitioner();
        assertThat(path(p, "2026-11-24T21:59:59.999Z")).isEqualTo("dt=2026-11-24/hr=21");
        assertThat(path(p, "2026-11-24T22:00:00Z")).isEqualTo("dt=2026-11-24/hr=22");
        assertThat(p.partition(parsed(Instant.parse("2026-11-24T21:00:00Z"))).segments())
                .containsExactly("dt=2026-11-24", "hr=21");
        TimePartitionerConfig defaults = TimePartitionerConfig.from(Settings.empty());
        assertThat(defaults).isEqualTo(TimePartitionerConfig.defaults());
        assertThat(defaults.granularity()).isEqualTo(Granularity.HOUR);
        assertThat(defaults.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(defaults.bucket()).isEmpty();
    }

    @Test
    void zoneShiftsTheDateAndHour() {
        Partitioner tokyo = partitioner("zone", "Asia/Tokyo");
        assertThat(path(tokyo, "2026-11-24T21:05:00Z")).isEqualTo("dt=2026-11-25/hr=06");
        Partitioner kolkata = partitioner("zone", "Asia/Kolkata");
        assertThat(path(kolkata, "2026-11-24T21:29:59Z")).isEqualTo("dt=2026-11-25/hr=02");
        assertThat(path(kolkata, "2026-11-24T21:30:00Z")).isEqualTo("dt=2026-11-25/hr=03");
    }

    @Test
    void dstFallBackRepeatsTheLocalHour() {
        Partitioner p = partitioner("zone", "Europe/Paris");
        // 2026-10-25: 03:00 CEST becomes 02:00 CET, so local 02:xx happens twice
        assertThat(path(p, "2026-10-25T00:30:00Z")).isEqualTo("dt=2026-10-25/hr=02");
        assertThat(path(p, "2026-10-25T00:59:59Z")).isEqualTo("dt=2026-10-25/hr=02");
        assertThat(path(p, "2026-10-25T01:00:00Z")).isEqualTo("dt=2026-10-25/hr=02");
        assertThat(path(p, "2026-10-25T01:59:59Z")).isEqualTo("dt=2026-10-25/hr=02");
        assertThat(path(p, "2026-10-25T02:00:00Z")).isEqualTo("dt=2026-10-25/hr=03");
        Partitioner withOffset =
                partitioner("zone", "Europe/Paris", "pattern", "'dt='yyyy-MM-dd'/hr='HHxx");
        assertThat(path(withOffset, "2026-10-25T00:30:00Z")).isEqualTo("dt=2026-10-25/hr=02+0200");
        assertThat(path(withOffset, "2026-10-25T01:30:00Z")).isEqualTo("dt=2026-10-25/hr=02+0100");
    }

    @Test
    void dstSpringForwardSkipsTheLocalHour() {
        Partitioner p = partitioner("zone", "America/New_York");
        // 2026-03-08: 02:00 EST becomes 03:00 EDT
        assertThat(path(p, "2026-03-08T06:59:59Z")).isEqualTo("dt=2026-03-08/hr=01");
        assertThat(path(p, "2026-03-08T07:00:00Z")).isEqualTo("dt=2026-03-08/hr=03");
        Partitioner daily = partitioner("zone", "America/New_York", "pattern", "'dt='yyyy-MM-dd");
        assertThat(path(daily, "2026-03-08T04:59:59Z")).isEqualTo("dt=2026-03-07");
        assertThat(path(daily, "2026-03-08T05:00:00Z")).isEqualTo("dt=2026-03-08");
        assertThat(path(daily, "2026-03-09T03:59:59Z")).isEqualTo("dt=2026-03-08");
        assertThat(path(daily, "2026-03-09T04:00:00Z")).isEqualTo("dt=2026-03-09");
    }

    @Test
    void patternWithLiteralTextAndDeeperLayout() {
        Partitioner p = partitioner("pattern", "'year='yyyy'/month='MM'/day='dd'/static-part'");
        assertThat(p.partition(parsed(Instant.parse("2026-01-02T03:04:05Z"))).segments())
                .containsExactly("year=2026", "month=01", "day=02", "static-part");
        Partitioner quotes = partitioner("pattern", "'it''s='yyyy");
        assertThat(path(quotes, "2026-01-02T03:04:05Z")).isEqualTo("it's=2026");
    }

    @Test
    void granularityIsInferredFromThePatternOrSetExplicitly() {
        Partitioner minutes = partitioner("pattern", "'dt='yyyy-MM-dd'/hr='HH'/min='mm");
        assertThat(path(minutes, "2026-11-24T21:05:59Z")).isEqualTo("dt=2026-11-24/hr=21/min=05");
        assertThat(
                        TimePartitionerConfig.from(scoped(PREFIX, "pattern", "yyyy/MM/dd"))
                                .granularity())
                .isEqualTo(Granularity.DAY);
        Partitioner coarse =
                partitioner("pattern", "'dt='yyyy-MM-dd'/hr='HH'/min='mm", "granularity", "hour");
        assertThat(path(coarse, "2026-11-24T21:05:59Z")).isEqualTo("dt=2026-11-24/hr=21/min=00");
        Partitioner daily = partitioner("granularity", "day");
        assertThat(path(daily, "2026-11-24T21:05:59Z")).isEqualTo("dt=2026-11-24/hr=00");
    }

    @Test
    void bucketFloorsTheTimeOfDay() {
        Partitioner p = partitioner("pattern", "'dt='yyyy-MM-dd'/hr='HH'/min='mm", "bucket", "15m");
        assertThat(path(p, "2026-11-24T21:00:00Z")).isEqualTo("dt=2026-11-24/hr=21/min=00");
        assertThat(path(p, "2026-11-24T21:14:59Z")).isEqualTo("dt=2026-11-24/hr=21/min=00");
        assertThat(path(p, "2026-11-24T21:15:00Z")).isEqualTo("dt=2026-11-24/hr=21/min=15");
        assertThat(path(p, "2026-11-24T21:59:59Z")).isEqualTo("dt=2026-11-24/hr=21/min=45");
        Partitioner sixHours = partitioner("bucket", "6h");
        assertThat(path(sixHours, "2026-11-24T17:59:00Z")).isEqualTo("dt=2026-11-24/hr=12");
        assertThat(path(sixHours, "2026-11-24T18:00:00Z")).isEqualTo("dt=2026-11-24/hr=18");
    }

    @Test
    void cachedPathsMatchAFreshComputationForEveryInstant() {
        Random random = new Random(42);
        List<String> zones =
                List.of(
                        "UTC",
                        "Europe/Paris",
                        "America/New_York",
                        "Asia/Kolkata",
                        "Australia/Lord_Howe",
                        "Europe/Amsterdam",
                        "Pacific/Chatham");
        for (String zone : zones) {
            Partitioner cached =
                    partitioner("zone", zone, "pattern", "'dt='yyyy-MM-dd'/hr='HH'/min='mm");
            Partitioner hourly = partitioner("zone", zone);
            DateTimeFormatter minuteFormat =
                    DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hr='HH'/min='mm", Locale.ROOT);
            DateTimeFormatter hourFormat =
                    DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hr='HH", Locale.ROOT);
            ZoneId z = ZoneId.of(zone);
            // walk through time in small steps (hitting DST transitions), with random jumps back
            Instant t = Instant.parse("1930-01-01T00:00:00Z");
            List<Instant> instants = new ArrayList<>();
            for (int i = 0; i < 8_000; i++) {
                t = t.plusSeconds(random.nextInt(4 * 3600)).plusMillis(random.nextInt(1000));
                instants.add(t);
                if (random.nextInt(10) == 0) {
                    instants.add(instants.get(random.nextInt(instants.size())));
                }
                if (i == 4_000) {
                    t = Instant.parse("2024-01-01T00:00:00Z"); // from the 1930s (odd offsets) to
                    // today
                }
            }
            List<String> mismatches = new ArrayList<>();
            for (Instant instant : instants) {
                String expectedMinute =
                        minuteFormat.format(instant.atZone(z).truncatedTo(ChronoUnit.MINUTES));
                String expectedHour =
                        hourFormat.format(instant.atZone(z).truncatedTo(ChronoUnit.HOURS));
                String minute = cached.partition(parsed(instant)).path();
                String hour = hourly.partition(parsed(instant)).path();
                if (!minute.equals(expectedMinute) || !hour.equals(expectedHour)) {
                    mismatches.add(instant + " in " + zone + ": " + minute + ", " + hour);
                }
            }
            assertThat(mismatches).isEmpty();
            assertThat(instants).hasSizeGreaterThan(8_000);
        }
    }

    @Test
    void concurrentCallersGetCorrectPaths() throws Exception {
        Partitioner p = partitioner("zone", "Europe/Paris");
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int n = 0; n < 4; n++) {
            int seed = n;
            threads.add(
                    new Thread(
                            () -> {
                                Random random = new Random(seed);
                                DateTimeFormatter f =
                                        DateTimeFormatter.ofPattern(
                                                TimePartitionerConfig.DEFAULT_PATTERN, Locale.ROOT);
                                for (int i = 0; i < 20_000; i++) {
                                    Instant t =
                                            Instant.ofEpochSecond(
                                                    1_790_000_000L + random.nextInt(10 * 86_400));
                                    String expected =
                                            f.format(
                                                    t.atZone(ZoneId.of("Europe/Paris"))
                                                            .truncatedTo(ChronoUnit.HOURS));
                                    String actual = p.partition(parsed(t)).path();
                                    if (!expected.equals(actual)) {
                                        failures.add(
                                                new AssertionError(
                                                        t + ": " + actual + " != " + expected));
                                        return;
                                    }
                                }
                            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void builderMatchesSettings() {
        TimePartitionerConfig built =
                TimePartitionerConfig.builder()
                        .pattern("yyyy/MM/dd/HH/mm")
                        .zone(ZoneId.of("Europe/Paris"))
                        .granularity(Granularity.MINUTE)
                        .bucket(Duration.ofMinutes(5))
                        .build();
        assertThat(built)
                .isEqualTo(
                        TimePartitionerConfig.from(
                                scoped(
                                        PREFIX,
                                        "pattern",
                                        "yyyy/MM/dd/HH/mm",
                                        "zone",
                                        "Europe/Paris",
                                        "granularity",
                                        "minute",
                                        "bucket",
                                        "5m")));
        assertThat(built.unit()).isEqualTo(Duration.ofMinutes(5));
        assertThat(
                        new TimePartitioner(built)
                                .partition(parsed(Instant.parse("2026-11-24T21:09:00Z")))
                                .path())
                .isEqualTo("2026/11/24/22/05");
    }

    @Test
    void configErrorsNameTheFullKey() {
        assertThatThrownBy(() -> partitioner("pattern", "'dt='yyyy-MM-dd'/hr='HH:mm:ss"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.time.pattern")
                .hasMessageContaining("seconds");
        assertThatThrownBy(() -> partitioner("pattern", "'dt='yyyy-MM-dd'/'"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.time.pattern");
        assertThatThrownBy(() -> partitioner("pattern", "'/dt='yyyy"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.time.pattern");
        assertThatThrownBy(() -> partitioner("pattern", "'..'/yyyy"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.time.pattern");
        assertThatThrownBy(() -> partitioner("pattern", "'unterminated"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.time.pattern");
        assertThatThrownBy(() -> partitioner("pattern", "qqqqqq"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.time.pattern");
        assertThatThrownBy(() -> partitioner("zone", "Mars/Base"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.time.zone");
        assertThatThrownBy(() -> partitioner("granularity", "week"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.time.granularity")
                .hasMessageContaining("minute, hour, day");
        for (String bucket : List.of("7m", "90s", "0m", "25h")) {
            assertThatThrownBy(() -> partitioner("bucket", bucket))
                    .as(bucket)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("partitioner.time.bucket");
        }
        assertThatThrownBy(() -> partitioner("bucket", "soon"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitioner.time.bucket");
    }
}
