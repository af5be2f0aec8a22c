package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The shaded {@code archiver.jar} as users run it (after {@code package}). */
class ArchiverJarIT {
    private static final Path JAR = Path.of(System.getProperty("archiver.jar"));
    private static final String VERSION = System.getProperty("archiver.version");

    @Test
    void versionPrintsTheBuildsVersion() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p =
                new ProcessBuilder(java, "-jar", JAR.toString(), "--version")
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().toList()).first().isEqualTo("archiver " + VERSION);
        assertThat(out).contains("Java " + Runtime.version());
    }

    @Test
    void jarCarriesTheLicenceTheMergedNoticesAndOneLoggingBackend() throws IOException {
        assertThat(Files.isRegularFile(JAR)).as(JAR.toString()).isTrue();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            String license = read(jar, "META-INF/LICENSE");
            assertThat(license).contains("Apache License").contains("Version 2.0, January 2004");
            String notice = read(jar, "META-INF/NOTICE");
            // ours and the bundled components' notices, merged (Kafka's own sits at /NOTICE)
            assertThat(notice)
                    .contains("Kafka Archiver\nCopyright 2026 The Kafka Archiver maintainers")
                    .contains("Third-party components")
                    .contains("Apache Avro")
                    .contains("AWS SDK for Java 2.0")
                    .contains("Micrometer");
            assertThat(read(jar, "NOTICE")).contains("Apache Kafka");
            assertThat(jar.getEntry("logback.xml")).isNotNull();
            assertThat(jar.getEntry("org/slf4j/simple/SimpleLogger.class")).isNull();
            // exactly one SLF4J provider: Logback
            assertThat(read(jar, "META-INF/services/org.slf4j.spi.SLF4JServiceProvider").strip())
                    .isEqualTo("ch.qos.logback.classic.spi.LogbackServiceProvider");
        }
    }

    private static String read(JarFile jar, String name) throws IOException {
        var entry = jar.getEntry(name);
        assertThat(entry).as(name).isNotNull();
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
