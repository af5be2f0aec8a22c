package dev.archiver.offset.zookeeper;

import static java.util.Objects.requireNonNull;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;

/**
 * Reads and writes committed offsets the way Secor's {@code ZookeeperConnector} does, over a raw
 * Curator client: the group path is {@code kafka.zookeeper.path} stripped of slashes, then {@code
 * consumers/<group>/offsets}; every missing parent is created as a persistent, world-writable node;
 * the value is {@code Long.toString(count).getBytes()} set with version -1, created when missing; a
 * missing node reads as -1.
 */
final class SecorLayout {
    private final CuratorFramework client;
    private final String groupPath;

    SecorLayout(CuratorFramework client, String kafkaZookeeperPath, String group) {
        this.client = requireNonNull(client, "client is null");
        String stripped = kafkaZookeeperPath.replaceAll("^/+|/+$", "");
        this.groupPath =
                (stripped.isEmpty() ? "" : "/" + stripped) + "/consumers/" + group + "/offsets";
    }

    String path(String topic, int partition) {
        return groupPath + "/" + topic + "/" + partition;
    }

    void setCommittedOffsetCount(String topic, int partition, long count) throws Exception {
        String path = path(topic, partition);
        String[] elements = path.split("/");
        StringBuilder prefix = new StringBuilder();
        for (int i = 1; i < elements.length - 1; i++) {
            prefix.append('/').append(elements[i]);
            try {
                client.create()
                        .withMode(CreateMode.PERSISTENT)
                        .withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE)
                        .forPath(prefix.toString());
            } catch (KeeperException.NodeExistsException e) {
                // exists already
            }
        }
        byte[] data = Long.toString(count).getBytes();
        try {
            client.setData().withVersion(-1).forPath(path, data);
        } catch (KeeperException.NoNodeException e) {
            client.create()
                    .withMode(CreateMode.PERSISTENT)
                    .withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE)
                    .forPath(path, data);
        }
    }

    long getCommittedOffsetCount(String topic, int partition) throws Exception {
        try {
            return Long.parseLong(new String(client.getData().forPath(path(topic, partition))));
        } catch (KeeperException.NoNodeException e) {
            return -1;
        }
    }
}
