package dev.archiver.examples.daemon;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code archiver run --config FILE}: archives as configured until SIGTERM or SIGINT. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Archives as configured until stopped.",
            "SIGTERM/SIGINT: stop polling, finish in-flight uploads and commit within"
                    + " shutdown.timeout, exit 0. A second signal exits at once (uncommitted"
                    + " records are replayed on restart).",
            "Startup checks: each job's store must answer a listing of its root and accept a"
                    + " probe object written with the real upload options, and its Kafka"
                    + " cluster must answer within kafka.consumer.default.api.timeout.ms.",
            "Exit codes: 0 stopped cleanly, 1 a job failed, did not stop in time or its Kafka"
                    + " cluster did not answer at startup, 2 bad configuration, unknown bucket,"
                    + " rejected credentials or a store that refuses the probe upload."
        })
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "A .properties or .yaml/.yml configuration file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        DaemonConfig cfg = DaemonConfig.load(config, System::getenv);
        Signals signals = Signals.install();
        try (ArchiverDaemon daemon = new ArchiverDaemon(cfg)) {
            daemon.start();
            while (!signals.awaitStop(1000)) {
                var failed = daemon.failure();
                if (failed.isPresent()) {
                    log.error(
                            "Job {} failed; stopping the daemon",
                            failed.get().getKey(),
                            failed.get().getValue());
                    daemon.stop();
                    return 1;
                }
            }
            return daemon.stop() ? 0 : 1;
        }
    }
}
