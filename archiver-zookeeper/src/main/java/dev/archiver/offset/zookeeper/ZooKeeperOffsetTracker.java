package dev.archiver.offset.zookeeper;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.archiver.offset.OffsetTracker;
import dev.archiver.offset.OwnershipLostException;
import dev.archiver.record.TopicPartitionId;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets in Secor's ZooKeeper layout, with Secor's per-partition upload lock.
 *
 * <p>The lock is a single-lease {@link InterProcessSemaphoreV2} (the recipe behind {@code
 * InterProcessSemaphoreMutex}), which is not bound to the thread that took it. Every write of an
 * offset is one ZooKeeper transaction that checks the lock's ephemeral lease node and the offset
 * node's version: when the session expired while the lock was held, the lease is gone and nothing
 * is written.
 *
 * <p>The note of an idle commit (where the archived range ended, {@link #commitIdle}) is kept in a
 * node of its own, {@code <archiver-path>/archived-ends/<group>/<topic>/<partition>}, written or
 * deleted in the same transaction as the offset: the offset node stays byte for byte what Secor
 * writes and reads.
 */
final class ZooKeeperOffsetTracker implements OffsetTracker {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperOffsetTracker.class);

    // InterProcessSemaphoreV2 keeps its leases under <lock path>/leases and the nodes of the mutex
    // that guards them under <lock path>/locks (see its LOCK_SCHEMA).
    private static final String LEASES = "leases";
    private static final String MUTEX = "locks";
    private static final byte[] EMPTY = new byte[0];
    // A commit without a lock runs on the consumer thread: it must not stall polling for long.
    private static final Duration UNLOCKED_COMMIT_LOCK_WAIT = Duration.ofSeconds(1);
    // After deleting this session's own leftovers, the lock is tried once more for this long.
    private static final Duration LEFTOVER_RETRY_WAIT = Duration.ofSeconds(1);

    private final ZooKeeperOffsetTrackerConfig config;
    private final CuratorFramework client;
    private final String offsetsPath;
    private final String locksPath;
    private final String notesPath;
    private final Map<TopicPartitionId, HeldLock> held = new ConcurrentHashMap<>();
    private final Map<TopicPartitionId, Known> known = new ConcurrentHashMap<>();
    // Serialises taking the lock of one partition within this tracker, so that leftovers of this
    // session can be told apart from nodes of an acquisition in progress (see removeLeftovers).
    private final Map<TopicPartitionId, ReentrantLock> acquiring = new ConcurrentHashMap<>();
    // Counts connection interruptions; a partition is checked for leftovers once after each.
    private final AtomicLong interruptions = new AtomicLong();
    private final Map<TopicPartitionId, Long> checkedAfter = new ConcurrentHashMap<>();
    private final ConnectionStateListener connectionListener = this::stateChanged;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ZooKeeperOffsetTracker(ZooKeeperOffsetTrackerConfig config, String groupId) {
        this.config = requireNonNull(config, "config is null");
        requireNonNull(groupId, "groupId is null");
        this.offsetsPath = config.offsetsPath(groupId);
        this.locksPath = config.locksPath();
        this.notesPath = ZKPaths.makePath(config.archiverPath(), "archived-ends", groupId);
        CuratorFrameworkFactory.Builder builder =
                CuratorFrameworkFactory.builder()
                        .connectString(config.connect())
                        .sessionTimeoutMs(Math.toIntExact(config.sessionTimeout().toMillis()))
                        .connectionTimeoutMs(Math.toIntExact(config.connectionTimeout().toMillis()))
                        .retryPolicy(
                                new ExponentialBackoffRetry(
                                        Math.toIntExact(config.retryBaseSleep().toMillis()),
                                        config.retryMaxRetries()))
                        .defaultData(EMPTY)
                        .aclProvider(aclProvider(config.acl()));
        config.auth()
                .ifPresent(
                        secret ->
                                builder.authorization(
                                        ZooKeeperOffsetTrackerConfig.DIGEST,
                                        secret.reveal().getBytes(US_ASCII)));
        this.client = builder.build();
    }

    /** Creates a tracker and starts its client (which connects in the background). */
    static ZooKeeperOffsetTracker start(ZooKeeperOffsetTrackerConfig config, String groupId) {
        ZooKeeperOffsetTracker tracker = new ZooKeeperOffsetTracker(config, groupId);
        tracker.client.getConnectionStateListenable().addListener(tracker.connectionListener);
        tracker.client.start();
        return tracker;
    }

    CuratorFramework client() {
        return client;
    }

    String offsetPath(TopicPartitionId partition) {
        return ZKPaths.makePath(
                offsetsPath, partition.topic(), Integer.toString(partition.partition()));
    }

    String notePath(TopicPartitionId partition) {
        return ZKPaths.makePath(
                notesPath, partition.topic(), Integer.toString(partition.partition()));
    }

    String lockPath(TopicPartitionId partition) {
        return ZKPaths.makePath(
                locksPath, partition.topic(), Integer.toString(partition.partition()));
    }

    @Override
    public Map<TopicPartitionId, Long> committed(Set<TopicPartitionId> partitions)
            throws IOException {
        requireNonNull(partitions, "partitions is null");
        checkOpen();
        Map<TopicPartitionId, Long> result = new TreeMap<>();
        for (TopicPartitionId partition : partitions) {
            Optional<Known> current = read(partition);
            if (current.isPresent()) {
                known.put(partition, current.get());
                result.put(partition, current.get().offset());
            } else {
                known.remove(partition);
            }
        }
        return Map.copyOf(result);
    }

    @Override
    public Map<TopicPartitionId, Long> archivedEnds(Set<TopicPartitionId> partitions)
            throws IOException {
        requireNonNull(partitions, "partitions is null");
        checkOpen();
        Map<TopicPartitionId, Long> result = new TreeMap<>();
        for (TopicPartitionId partition : partitions) {
            readNote(partition).ifPresent(end -> result.put(partition, end));
        }
        return Map.copyOf(result);
    }

    @Override
    public void commit(Map<TopicPartitionId, Long> nextOffsets) throws IOException {
        commit(nextOffsets, Map.of());
    }

    @Override
    public void commitIdle(
            Map<TopicPartitionId, Long> nextOffsets, Map<TopicPartitionId, Long> archivedEnds)
            throws IOException {
        commit(nextOffsets, requireNonNull(archivedEnds, "archivedEnds is null"));
    }

    private void commit(
            Map<TopicPartitionId, Long> nextOffsets, Map<TopicPartitionId, Long> archivedEnds)
            throws IOException {
        requireNonNull(nextOffsets, "nextOffsets is null");
        checkOpen();
        List<String> lost = new ArrayList<>();
        for (Map.Entry<TopicPartitionId, Long> e : new TreeMap<>(nextOffsets).entrySet()) {
            TopicPartitionId partition = e.getKey();
            long next = e.getValue();
            if (next < 0) {
                throw new IllegalArgumentException("Negative offset " + next + " for " + partition);
            }
            Long note = archivedEnds.get(partition);
            if (note != null && (note < 0 || note > next)) {
                throw new IllegalArgumentException(
                        "Archived end "
                                + note
                                + " of "
                                + partition
                                + " is not in [0, "
                                + next
                                + "]");
            }
            try {
                HeldLock lock = held.get(partition);
                if (lock != null) {
                    write(lock, next, note);
                } else {
                    // Batches commit under the lock taken for their upload; any other commit
                    // takes the lock briefly and checks the offset is where this tracker saw it.
                    Known expected = known.get(partition);
                    Duration wait = min(config.lockTimeout(), UNLOCKED_COMMIT_LOCK_WAIT);
                    try (HeldLock temporary =
                            acquire(partition, expected == null ? null : expected.offset(), wait)) {
                        write(temporary, next, note);
                    }
                }
            } catch (OwnershipLostException ex) {
                lost.add(ex.getMessage());
            }
        }
        if (!lost.isEmpty()) {
            throw new OwnershipLostException(String.join("; ", lost));
        }
    }

    @Override
    public PartitionLock lock(TopicPartitionId partition, long expectedCommitted)
            throws IOException {
        requireNonNull(partition, "partition is null");
        checkOpen();
        return acquire(partition, expectedCommitted, config.lockTimeout());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (HeldLock lock : List.copyOf(held.values())) {
            lock.close();
        }
        client.getConnectionStateListenable().removeListener(connectionListener);
        // Closing the session also removes the ephemeral leases of locks still held.
        client.close();
    }

    /** Takes the lock and checks the committed offset; {@code expected} null skips the check. */
    private HeldLock acquire(TopicPartitionId partition, Long expected, Duration wait)
            throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        ReentrantLock local = acquiring.computeIfAbsent(partition, p -> new ReentrantLock());
        try {
            if (!local.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw timedOut(partition);
            }
        } catch (InterruptedException e) {
            throw translate(e, "taking the upload lock " + lockPath(partition));
        }
        try {
            return acquireLocked(partition, expected, deadline);
        } finally {
            local.unlock();
        }
    }

    // Runs with the partition's local lock held: no other acquisition of it by this tracker runs.
    private HeldLock acquireLocked(TopicPartitionId partition, Long expected, long deadline)
            throws IOException {
        String lockPath = lockPath(partition);
        Lease lease;
        try {
            long seen = interruptions.get();
            if (checkedAfter.getOrDefault(partition, 0L) != seen) {
                // The connection was interrupted since the last check: an acquisition or a release
                // may have left a node of this session behind, which nobody would ever delete.
                removeLeftovers(partition);
                checkedAfter.put(partition, seen);
            }
            lease = semaphoreAcquire(lockPath, deadline);
            if (lease == null && removeLeftovers(partition) > 0) {
                // the lock was blocked by this session's own leftover, not by another archiver
                lease =
                        semaphoreAcquire(
                                lockPath, System.nanoTime() + LEFTOVER_RETRY_WAIT.toNanos());
            }
        } catch (Exception e) {
            // the next acquisition checks for what this one may have left behind
            checkedAfter.put(partition, -1L);
            throw translate(e, "taking the upload lock " + lockPath);
        }
        if (lease == null) {
            throw timedOut(partition);
        }
        HeldLock lock =
                new HeldLock(partition, ZKPaths.makePath(lockPath, LEASES, lease.getNodeName()));
        try {
            Optional<Known> current = read(partition);
            long committed = current.map(Known::offset).orElse(-1L);
            if (expected != null && committed != expected) {
                throw new OwnershipLostException(
                        "The committed offset of "
                                + partition
                                + " is "
                                + committed
                                + ", expected "
                                + expected
                                + ": another consumer has committed it");
            }
            current.ifPresentOrElse(k -> known.put(partition, k), () -> known.remove(partition));
            lock.version = current.map(Known::version).orElse(-1);
            HeldLock previous = held.putIfAbsent(partition, lock);
            if (previous != null) {
                throw new IllegalStateException(
                        "The upload lock of " + partition + " is already held by this tracker");
            }
            if (lock.lost) {
                // LOST arrived between acquiring and registering
                throw new IOException(
                        "ZooKeeper session lost while taking the upload lock of " + partition);
            }
            return lock;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private IOException timedOut(TopicPartitionId partition) {
        return new IOException(
                "Timed out after "
                        + config.lockTimeout()
                        + " waiting for the upload lock "
                        + lockPath(partition)
                        + " of "
                        + partition
                        + ", held by another archiver");
    }

    /**
     * Takes the single lease, waiting until {@code deadline} (at least one attempt); null on
     * timeout.
     */
    private Lease semaphoreAcquire(String lockPath, long deadline) throws Exception {
        long millis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return new InterProcessSemaphoreV2(client, lockPath, 1)
                .acquire(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Deletes the nodes of this tracker's own session under a partition's lock (leases and the
     * recipe's mutex nodes) when this tracker neither holds nor is taking that lock: they are
     * leftovers of an acquisition or a release cut short by a connection loss. Curator cleans those
     * up in the background, but not always: a leftover lease of a session that stays alive (an
     * outage shorter than the session timeout) would block the partition until the process stops.
     * Deleting them is safe: a node of this session grants nothing to anyone else, and this tracker
     * commits only under a lease it registered in {@code held}, whose node is never touched here.
     *
     * <p>Called with the partition's local lock held.
     *
     * @return how many nodes were deleted
     */
    private int removeLeftovers(TopicPartitionId partition) throws Exception {
        if (held.containsKey(partition)) {
            return 0;
        }
        long session = client.getZookeeperClient().getZooKeeper().getSessionId();
        int removed = 0;
        for (String dir : List.of(LEASES, MUTEX)) {
            String parent = ZKPaths.makePath(lockPath(partition), dir);
            List<String> children;
            try {
                children = client.getChildren().forPath(parent);
            } catch (KeeperException.NoNodeException e) {
                continue;
            }
            for (String child : children) {
                String path = ZKPaths.makePath(parent, child);
                Stat stat = client.checkExists().forPath(path);
                if (stat == null || stat.getEphemeralOwner() != session) {
                    continue;
                }
                try {
                    client.delete().withVersion(stat.getVersion()).forPath(path);
                    removed++;
                    log.warn(
                            "Removed {}, left behind under the upload lock of {} by this archiver's"
                                    + " own session after a ZooKeeper connection loss",
                            path,
                            partition);
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
                    // deleted meanwhile (a pending background delete went through)
                }
            }
        }
        return removed;
    }

    private void write(HeldLock lock, long next, Long note) throws IOException {
        TopicPartitionId partition = lock.partition;
        if (lock.lost) {
            throw lockLost(partition);
        }
        String path = offsetPath(partition);
        byte[] data = Long.toString(next).getBytes(US_ASCII);
        try {
            if (lock.version < 0) {
                // Secor creates the parents as persistent nodes; so do we, outside the transaction.
                createParents(path);
            }
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(client.transactionOp().check().forPath(lock.leasePath));
            ops.add(
                    lock.version < 0
                            ? client.transactionOp().create().forPath(path, data)
                            : client.transactionOp()
                                    .setData()
                                    .withVersion(lock.version)
                                    .forPath(path, data));
            // Every change of a note goes with a change of the offset node, whose version this
            // transaction checks: a note that changes after this read fails the transaction.
            String notePath = notePath(partition);
            Stat noteStat = client.checkExists().forPath(notePath);
            if (note != null) {
                byte[] noteData = Long.toString(note).getBytes(US_ASCII);
                if (noteStat == null) {
                    createParents(notePath);
                    ops.add(client.transactionOp().create().forPath(notePath, noteData));
                } else {
                    ops.add(
                            client.transactionOp()
                                    .setData()
                                    .withVersion(noteStat.getVersion())
                                    .forPath(notePath, noteData));
                }
            } else if (noteStat != null) {
                ops.add(
                        client.transactionOp()
                                .delete()
                                .withVersion(noteStat.getVersion())
                                .forPath(notePath));
            }
            List<CuratorTransactionResult> results = client.transaction().forOperations(ops);
            Stat stat = results.get(1).getResultStat();
            lock.version = stat != null ? stat.getVersion() : 0;
            known.put(partition, new Known(next, lock.version));
        } catch (KeeperException.NoNodeException
                | KeeperException.BadVersionException
                | KeeperException.NodeExistsException e) {
            resolveConflict(lock, next, note, e);
        } catch (Exception e) {
            throw translate(e, "committing offset " + next + " to " + path);
        }
    }

    // The transaction failed on a precondition: find out which one.
    private void resolveConflict(HeldLock lock, long next, Long note, KeeperException cause)
            throws IOException {
        TopicPartitionId partition = lock.partition;
        try {
            if (client.checkExists().forPath(lock.leasePath) == null) {
                lock.lost = true;
                throw lockLost(partition);
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw translate(e, "checking the upload lock " + lock.leasePath);
        }
        Optional<Known> current = read(partition);
        if (current.isPresent()
                && current.get().offset() == next
                && readNote(partition).equals(Optional.ofNullable(note))) {
            // An earlier attempt of this very commit went through but its reply was lost.
            lock.version = current.get().version();
            known.put(partition, current.get());
            return;
        }
        throw new OwnershipLostException(
                "The committed offset of "
                        + partition
                        + " changed to "
                        + current.map(k -> Long.toString(k.offset())).orElse("none")
                        + " while this consumer held the upload lock; nothing was committed",
                cause);
    }

    private Optional<Known> read(TopicPartitionId partition) throws IOException {
        String path = offsetPath(partition);
        Stat stat = new Stat();
        byte[] data;
        try {
            data = client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw translate(e, "reading the committed offset " + path);
        }
        String text = data == null ? "" : new String(data, US_ASCII).strip();
        try {
            return Optional.of(new Known(Long.parseLong(text), stat.getVersion()));
        } catch (NumberFormatException e) {
            throw new IOException(
                    "The committed offset " + path + " is not a decimal number: '" + text + "'", e);
        }
    }

    private Optional<Long> readNote(TopicPartitionId partition) throws IOException {
        String path = notePath(partition);
        byte[] data;
        try {
            data = client.getData().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw translate(e, "reading the archived end " + path);
        }
        String text = data == null ? "" : new String(data, US_ASCII).strip();
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IOException(
                    "The archived end " + path + " is not a decimal number: '" + text + "'", e);
        }
    }

    private void createParents(String path) throws Exception {
        String parent = ZKPaths.getPathAndNode(path).getPath();
        if (client.checkExists().forPath(parent) == null) {
            try {
                client.create().creatingParentsIfNeeded().forPath(parent, EMPTY);
            } catch (KeeperException.NodeExistsException e) {
                // created concurrently: fine
            }
        }
    }

    private void stateChanged(CuratorFramework unused, ConnectionState state) {
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
            interruptions.incrementAndGet();
        }
        if (state == ConnectionState.LOST) {
            // The session is gone, and with it every lease: no commit may rely on them any more.
            for (HeldLock lock : held.values()) {
                lock.lost = true;
            }
            if (!held.isEmpty()) {
                log.warn(
                        "ZooKeeper session lost while holding the upload locks of {}",
                        held.keySet());
            }
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The ZooKeeper offset tracker is closed");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static OwnershipLostException lockLost(TopicPartitionId partition) {
        return new OwnershipLostException(
                "The upload lock of "
                        + partition
                        + " was lost (ZooKeeper session expired); nothing was committed");
    }

    private static IOException translate(Exception e, String action) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted =
                    new InterruptedIOException("Interrupted while " + action);
            interrupted.initCause(e);
            return interrupted;
        }
        if (e instanceof IOException io) {
            return io;
        }
        return new IOException("Failed " + action + ": " + e.getMessage(), e);
    }

    private static ACLProvider aclProvider(ZooKeeperOffsetTrackerConfig.Acl acl) {
        List<ACL> acls =
                acl == ZooKeeperOffsetTrackerConfig.Acl.CREATOR_ALL
                        ? ZooDefs.Ids.CREATOR_ALL_ACL
                        : ZooDefs.Ids.OPEN_ACL_UNSAFE;
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acls;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return acls;
            }
        };
    }

    /** An offset as read or written, with the version of its node. */
    private record Known(long offset, int version) {}

    private final class HeldLock implements PartitionLock {
        final TopicPartitionId partition;
        final String leasePath;
        final AtomicBoolean released = new AtomicBoolean();

        /** Version of the offset node, -1 when it does not exist. */
        volatile int version = -1;

        volatile boolean lost;

        HeldLock(TopicPartitionId partition, String leasePath) {
            this.partition = partition;
            this.leasePath = leasePath;
        }

        @Override
        public void close() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            held.remove(partition, this);
            try {
                // Guaranteed and in the background: releasing never blocks the caller on an outage,
                // and the lease goes away when ZooKeeper is back (or with the session).
                client.delete().guaranteed().inBackground().forPath(leasePath);
            } catch (Exception e) {
                log.warn("Failed releasing the upload lock {}: {}", leasePath, e.toString());
            }
        }
    }
}
