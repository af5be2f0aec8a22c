package dev.archiver.examples.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code archiver} executable: {@code run}, {@code demo}, {@code verify}, {@code cat}, {@code
 * restore} and {@code config check}.
 */
@Command(
        name = "archiver",
        mixinStandardHelpOptions = true,
        versionProvider = ArchiverCli.Version.class,
        description = "Archives Kafka topics into object storage, exactly once.",
        subcommands = {
            RunCommand.class,
            DemoCommand.class,
            VerifyCommand.class,
            CatCommand.class,
            RestoreCommand.class,
            ConfigCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ArchiverCli implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        quietLogging(args);
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code (tests call this in-process). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** Runs one command line with its output going to {@code out} and {@code err}. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ArchiverCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(
                (e, cmd, parseResult) -> {
                    if (e instanceof CliException c) {
                        cmd.getErr().println("error: " + c.getMessage());
                        return c.exitCode();
                    }
                    if (e instanceof dev.archiver.config.ConfigException) {
                        cmd.getErr().println("error: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
        return cl;
    }

    /**
     * The demo and the tools print for people: the broker's and the engine's INFO logs would drown
     * that, so they start at WARN unless the user chose levels ({@value Logging#LEVEL_ENV}); {@code
     * run} applies its own logging settings.
     */
    private static void quietLogging(String[] args) {
        String first = args.length > 0 ? args[0] : "";
        if (first.equals("run") || System.getenv(Logging.LEVEL_ENV) != null) {
            return;
        }
        Map<String, String> levels = new LinkedHashMap<>();
        levels.put("root", "warn");
        // the in-process broker warns about things that are normal for a one-node demo
        levels.put("org.apache.kafka", "error");
        levels.put("kafka", "error");
        Logging.levels(levels);
    }

    /** This build's version, e.g. {@code 0.1.0}. */
    static String version() {
        try (InputStream in = ArchiverCli.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "(unknown version)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(unknown version)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "archiver " + version(),
                "Java "
                        + Runtime.version()
                        + " ("
                        + System.getProperty("java.vendor")
                        + ", "
                        + System.getProperty("os.name")
                        + " "
                        + System.getProperty("os.arch")
                        + ")"
            };
        }
    }
}
