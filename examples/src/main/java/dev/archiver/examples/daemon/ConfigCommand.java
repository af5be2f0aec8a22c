package dev.archiver.examples.daemon;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archiver config check FILE}. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Configuration tools.",
        subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Validates a configuration file (every job, as 'run' would) and prints it"
                        + " flattened, with substitutions applied and secrets redacted.",
                "Exit code 0 when valid, 2 otherwise."
            })
    static final class Check implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "A .properties or .yaml/.yml file.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            DaemonConfig cfg = DaemonConfig.load(file, System::getenv);
            cfg.redacted().forEach((k, v) -> out.println(k + "=" + v));
            cfg.validate();
            out.println();
            out.println(
                    "OK: "
                            + cfg.jobs().size()
                            + " job(s): "
                            + String.join(
                                    ", ",
                                    cfg.jobs().stream().map(DaemonConfig.Job::name).toList()));
            return 0;
        }
    }
}
