package dev.archiver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.Archiver;
import dev.archiver.storage.StorageLocation;
import dev.archiver.testing.AbstractArchiverEndToEndTest;
import dev.archiver.testing.ArchiveContents;
import dev.archiver.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupType;
import org.junit.jupiter.api.Test;

/**
 * Hole 2 of issue 14: the end-to-end exactly-once suite (crashes, rebalances, dead letters, bounds)
 * with a {@code file://} archive under the consumer group protocol of KIP-848 ({@code
 * group.protocol=consumer}): member epochs instead of generations, incremental assignment by the
 * broker, {@code StaleMemberEpoch}/{@code FencedMemberEpoch} instead of {@code IllegalGeneration}.
 * Session timeout and heartbeat interval are group settings under this protocol, so the client must
 * not set them (the embedded broker lowers the group defaults to what the classic suite sets on the
 * client).
 */
class LocalArchiverEndToEndConsumerProtocolTest extends AbstractArchiverEndToEndTest {
    private Path dir;

    @Override
    protected StorageLocation archiveRoot() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("archive-e2e-kip848");
        }
        return StorageLocation.of(dir.toUri().toString());
    }

    @Override
    protected int recordCount() {
        return 20_000;
    }

    @Override
    protected Map<String, String> settings(Map<String, String> overrides) {
        Map<String, String> s = new HashMap<>(super.settings(overrides));
        s.put("kafka.consumer.group.protocol", "consumer");
        s.remove("kafka.consumer.session.timeout.ms");
        s.remove("kafka.consumer.heartbeat.interval.ms");
        return s;
    }

    /**
     * The owner epoch written into each object is the member epoch under this protocol: positive,
     * and never lower in a later object of a partition than in an earlier one, also when the
     * partition moved to another member. The fencing rule (an object of a higher epoch, or of the
     * same epoch and another member, belongs to a newer owner) rests on exactly that.
     */
    @Test
    void ownerEpochsAreMemberEpochsThatGrowAcrossOwners() throws Exception {
        int partitions = 4;
        kafka.createTopic(topic, partitions);
        Map<String, String> s = Map.of("upload.max-records", "500", "upload.max-file-age", "1s");
        Archiver a = start(s);
        kafka.produce(TestData.json(topic, partitions, 4_000, 0));
        awaitCommitted(4_000, AWAIT);
        Archiver b = start(s);
        awaitTwoMembers();
        kafka.produce(TestData.json(topic, partitions, 4_000, 0));
        awaitCommitted(8_000, AWAIT);

        ConsumerGroupDescription group = describeGroup();
        assertThat(group.type()).isEqualTo(GroupType.CONSUMER);
        a.close();
        b.close();

        Map<Integer, TreeMap<Long, Integer>> epochsByPartition = new TreeMap<>();
        Set<String> owners = new java.util.HashSet<>();
        for (String key : ArchiveContents.keys(storage(), root)) {
            Map<String, String> meta = storage().stat(root.resolve(key)).orElseThrow().metadata();
            int epoch = Integer.parseInt(meta.get("archiver-owner-epoch"));
            assertThat(epoch).as("owner epoch of %s", key).isPositive();
            owners.add(meta.get("archiver-owner"));
            int partition = Integer.parseInt(key.replaceAll(".*-(\\d+)-\\d{20}\\..*", "$1"));
            epochsByPartition
                    .computeIfAbsent(partition, p -> new TreeMap<>())
                    .put(Long.parseLong(meta.get("archiver-first-offset")), epoch);
        }
        assertThat(owners).as("objects written by both members").hasSize(2);
        assertThat(epochsByPartition).hasSize(partitions);
        epochsByPartition.forEach(
                (p, epochs) -> {
                    List<Integer> inOffsetOrder = new ArrayList<>(epochs.values());
                    assertThat(inOffsetOrder).as("owner epochs of partition %s", p).isSorted();
                });
        assertExactlyOnce();
        assertThat(verify().records()).isEqualTo(8_000);
    }

    private ConsumerGroupDescription describeGroup() throws Exception {
        return kafka.admin()
                .describeConsumerGroups(List.of(group))
                .describedGroups()
                .get(group)
                .get(30, TimeUnit.SECONDS);
    }

    private void awaitTwoMembers() throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ConsumerGroupDescription d = describeGroup();
            if (d.members().size() == 2
                    && d.members().stream()
                            .allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the second member got no partitions: " + describeGroup());
    }
}
