package dev.archiver.examples.daemon;

import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.StorageLocation;
import dev.archiver.verify.ArchiveVerifier;
import dev.archiver.verify.VerificationReport;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archiver verify URI}: the exactly-once verifier from the command line. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Reads an archive back and proves that every offset of every topic-partition is"
                    + " present exactly once (no duplicates, nothing lost); with"
                    + " --bootstrap-servers, also that every record Kafka still holds is archived,"
                    + " unchanged.",
            "Without --bootstrap-servers, an offset no object holds inside the consumed range"
                    + " its batch recorded is a Kafka gap (transaction marker, aborted or"
                    + " compacted-away record, filtered record), anywhere else it is lost. Archives"
                    + " written before ranges were recorded count every missing offset as lost.",
            "Exit code 0 when the archive is complete, 1 when anything is missing, duplicated,"
                    + " different or unreadable, 2 on usage errors."
        })
final class VerifyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "URI", description = "The archive root (or a directory).")
    String uri;

    @Option(
            names = {"-t", "--topic"},
            description = "Only this topic (repeatable; default: every topic found).")
    Set<String> topics = new LinkedHashSet<>();

    @Option(
            names = {"-b", "--bootstrap-servers"},
            description = "Also compare with what this Kafka cluster still holds.")
    String bootstrapServers;

    @Option(
            names = {"-K", "--kafka-property"},
            paramLabel = "KEY=VALUE",
            description = "A consumer property for the comparison (security settings; repeatable).")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(
            names = "--parallelism",
            defaultValue = "4",
            description = "Objects read at once (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--progress",
            description = "Draw the progress bar even when stderr is not a terminal.")
    boolean forceProgress;

    @Mixin StorageOptions storageOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StorageLocation root = StorageOptions.location(uri);
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), forceProgress, "objects");
        try (ObjectStorage store = storageOptions.open(root)) {
            ArchiveVerifier.Builder b =
                    ArchiveVerifier.builder(store, root)
                            .topics(topics)
                            .parallelism(parallelism)
                            .progress(
                                    p ->
                                            bar.update(
                                                    p.objectsRead(),
                                                    p.objectsTotal(),
                                                    String.format("%,d records", p.recordsRead())));
            if (bootstrapServers != null) {
                b.compareWithKafka(bootstrapServers).kafkaProperties(Map.copyOf(kafkaProperties));
            }
            VerificationReport report = b.build().verify();
            bar.finish();
            out.println(report.summary());
            out.flush();
            return report.ok() ? 0 : 1;
        }
    }
}
