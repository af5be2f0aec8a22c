package dev.archiver.examples.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's own rules: the enforcer fails a module that breaks them (a nested Maven build of a
 * small fixture project whose parent is this repository's root POM; it resolves what the build
 * under test already did, plus the POM of an old jackson-databind), and the BOM pins every
 * published module.
 */
class BuildRulesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir Path dir;

    @Test
    void aLibraryThatBringsALoggingBackendFailsTheBuild() throws Exception {
        Result r =
                validate(
                        "",
                        dependency("org.slf4j", "slf4j-simple", null)
                                + dependency("org.slf4j", "slf4j-api", null));
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output())
                .contains("BannedDependencies failed")
                .contains("A library module must not bring a logging backend")
                .contains("org.slf4j:slf4j-simple");
    }

    @Test
    void twoVersionsOfAJacksonModuleFailTheBuild() throws Exception {
        // an old jackson-databind next to a module that wants the BOM's: the mix the BOM import
        // order is there to prevent
        Result r =
                validate(
                        "<archiver.application>true</archiver.application>",
                        dependency("com.fasterxml.jackson.core", "jackson-databind", "2.14.3")
                                + dependency(
                                        "com.fasterxml.jackson.dataformat",
                                        "jackson-dataformat-yaml",
                                        null));
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output())
                .contains("DependencyConvergence failed")
                .contains("com.fasterxml.jackson.core:jackson-databind");
    }

    @Test
    void aModuleThatKeepsTheRulesPasses() throws Exception {
        Result r =
                validate(
                        "",
                        dependency("org.slf4j", "slf4j-api", null)
                                + dependency(
                                        "com.fasterxml.jackson.dataformat",
                                        "jackson-dataformat-yaml",
                                        null)
                                + "<dependency><groupId>org.slf4j</groupId>"
                                + "<artifactId>slf4j-simple</artifactId><scope>test</scope>"
                                + "</dependency>");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    void theBomPinsEveryPublishedModule() throws Exception {
        String root = pom(ROOT);
        String bom = pom(ROOT.resolve("archiver-bom"));
        assertThat(first(bom, "<version>([^<]+)</version>"))
                .as("the BOM's version is the build's")
                .isEqualTo(first(root, "<version>([^<]+)</version>"));
        List<String> published = new ArrayList<>();
        for (String module : all(root, "<module>([^<]+)</module>")) {
            String pom = pom(ROOT.resolve(module));
            boolean application = pom.contains("<archiver.application>true</archiver.application>");
            if (!application && !pom.contains("<packaging>pom</packaging>")) {
                published.add(first(pom, "</parent>\\s*<artifactId>([^<]+)</artifactId>"));
            }
        }
        assertThat(published).contains("archiver-core", "archiver-testkit", "archiver-s3");
        List<String> pinned = all(bom, "<artifactId>([^<]+)</artifactId>");
        assertThat(pinned).containsAll(published);
    }

    private record Result(int exitCode, String output) {}

    private Result validate(String properties, String dependencies) throws Exception {
        Path project = dir.resolve("fixture");
        Files.createDirectories(project);
        String parent = project.relativize(ROOT.resolve("pom.xml")).toString();
        Files.writeString(
                project.resolve("pom.xml"),
                """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>dev.archiver</groupId>
                    <artifactId>kafka-archiver-parent</artifactId>
                    <version>%s</version>
                    <relativePath>%s</relativePath>
                  </parent>
                  <artifactId>enforcer-fixture</artifactId>
                  <properties>%s</properties>
                  <dependencies>%s</dependencies>
                </project>
                """
                        .formatted(
                                first(pom(ROOT), "<version>([^<]+)</version>"),
                                parent,
                                properties,
                                dependencies));
        Path log = dir.resolve("build.log");
        Process p =
                new ProcessBuilder(maven(), "-B", "-ntp", "validate")
                        .directory(project.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the fixture build did not finish:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The Maven that runs this build if it can be found, else {@code mvn} on the PATH. */
    private static String maven() {
        for (String home :
                new String[] {System.getProperty("maven.home"), System.getenv("MAVEN_HOME")}) {
            if (home != null && new File(home, "bin/mvn").canExecute()) {
                return new File(home, "bin/mvn").getPath();
            }
        }
        return "mvn";
    }

    /** A module's POM without its comments. */
    private static String pom(Path module) throws java.io.IOException {
        return Files.readString(module.resolve("pom.xml")).replaceAll("(?s)<!--.*?-->", "");
    }

    private static String dependency(String group, String artifact, String version) {
        return "<dependency><groupId>"
                + group
                + "</groupId><artifactId>"
                + artifact
                + "</artifactId>"
                + (version == null ? "" : "<version>" + version + "</version>")
                + "</dependency>";
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }

    private static List<String> all(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
