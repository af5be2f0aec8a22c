package dev.archiver.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of one scenario run (cycles, records, faults injected, lost, duplicated...), printed
 * to the test output and appended as one table row to {@code target/reliability/figures.md}, from
 * which {@code RELIABILITY.md} is updated.
 */
final class Figures {
    private static final Path FILE = Path.of("target", "reliability", "figures.md");

    private final String scenario;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Figures(String scenario) {
        this.scenario = scenario;
    }

    static Figures of(String scenario) {
        return new Figures(scenario);
    }

    Figures put(String name, Object value) {
        values.put(name, value);
        return this;
    }

    /** Prints and appends the row; call it once the scenario's assertions have run. */
    void record() {
        String row =
                "| "
                        + scenario
                        + " | "
                        + values.entrySet().stream()
                                .map(e -> e.getKey() + " = " + e.getValue())
                                .collect(Collectors.joining(", "))
                        + " | "
                        + Instant.now()
                        + " |";
        System.out.println("[figures] " + row);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(
                    FILE,
                    row + System.lineSeparator(),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
