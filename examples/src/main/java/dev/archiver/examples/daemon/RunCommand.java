package dev.archiver.examples.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    @Option(
            names = "--log-format",
            paramLabel = "plain|json",
            description =
                    "Log lines as plain text (the default) or one JSON object per line; overrides"
                            + " ARCHIVER_LOG_FORMAT and the file's logging.format.")
    String logFormat;

    @Override
    public Integer call() throws Exception {
        DaemonConfig cfg = DaemonConfig.load(config, System::getenv);
        Logging.format(
                Logging.chooseFormat(
                        logFormat, System.getenv(Logging.FORMAT_ENV), cfg.logFormat()));
        Logging.levels(Logging.chooseLevels(cfg.logLevels(), System.getenv(Logging.LEVEL_ENV)));
        log.info(
                "Kafka Archiver {} on Java {} ({}); {}",
                ArchiverCli.version(),
                Runtime.version(),
                System.getProperty("java.vendor"),
                describeJobs(cfg));
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

    /** Each job's topics and store, e.g. {@code job default: topics [a, b] -> s3://bucket/p}. */
    static String describeJobs(DaemonConfig cfg) {
        List<String> jobs = new ArrayList<>();
        for (DaemonConfig.Job job : cfg.jobs()) {
            Map<String, String> s = job.settings();
            String topics =
                    s.containsKey("topics.pattern")
                            ? "topics matching " + s.get("topics.pattern")
                            : "topics [" + s.getOrDefault("topics", "") + "]";
            jobs.add("job " + job.name() + ": " + topics + " -> " + s.get("storage.uri"));
        }
        return jobs.size() + (jobs.size() == 1 ? " job: " : " jobs: ") + String.join("; ", jobs);
    }
}
