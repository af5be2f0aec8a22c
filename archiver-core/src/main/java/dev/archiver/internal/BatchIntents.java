package dev.archiver.internal;

import dev.archiver.offset.OwnershipLostException;
import dev.archiver.record.TopicPartitionId;
import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.ObjectInfo;
import dev.archiver.storage.ObjectStorage;
import dev.archiver.storage.PreconditionFailedException;
import dev.archiver.storage.StorageException;
import dev.archiver.storage.StorageLocation;
import dev.archiver.storage.UploadOptions;
import dev.archiver.storage.UploadOptions.Precondition;
import dev.archiver.verify.ArchiveVerifier;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intents: before a batch's first upload, the keys it is about to write are recorded in one small
 * object per consumer group and topic-partition, {@code <root>/_archiver/intents/<group>/<topic>/
 * <partition>}, written with the same fencing as data (owner metadata, if-match on the version
 * read). The intent found there before a batch is announced lists the keys of the partition's
 * previous batch; when that batch starts at or after the committed offset it was never committed,
 * and its objects that this batch does not overwrite are deleted before anything is uploaded
 * (docs/engine.md, invariant 9). Upload threads; one batch per partition at a time.
 */
final class BatchIntents {
    private static final Logger log = LoggerFactory.getLogger(BatchIntents.class);
    static final String PREFIX = ArchiveVerifier.RESERVED_PREFIX + "intents/";
    private static final String VERSION = "archiver-intent: 1";
    private static final String FIRST = "first-offset";
    private static final String NEXT = "next-offset";
    private static final String COMMITTED = "committed-before";
    private static final String OBJECT = "object";

    /**
     * What one batch was about to write.
     *
     * @param committedBefore the committed offset when the batch was sealed; -1 when none
     * @param keys the batch's object keys, relative to the storage root
     */
    record Intent(
            ArchiveMetadata.Owner owner,
            long first,
            long next,
            long committedBefore,
            List<String> keys) {
        Intent {
            keys = List.copyOf(keys);
        }

        /**
         * Whether this batch was never committed, judged against the committed offset now: it
         * starts at or after it. Without a committed offset, only a batch sealed when nothing was
         * committed yet counts; one sealed after a commit means the offsets were lost (an expired
         * or deleted group, a re-created topic), and its objects may be committed data.
         */
        boolean uncommitted(long committedNow) {
            return committedNow >= 0 ? first >= committedNow : committedBefore < 0;
        }

        byte[] toBytes() {
            StringBuilder s = new StringBuilder(VERSION).append('\n');
            ArchiveMetadata.builder()
                    .owner(owner)
                    .build()
                    .forEach((k, v) -> s.append(k).append(": ").append(v).append('\n'));
            s.append(FIRST).append(": ").append(first).append('\n');
            s.append(NEXT).append(": ").append(next).append('\n');
            s.append(COMMITTED).append(": ").append(committedBefore).append('\n');
            for (String key : keys) {
                s.append(OBJECT)
                        .append(": ")
                        .append(URLEncoder.encode(key, StandardCharsets.UTF_8))
                        .append('\n');
            }
            return s.toString().getBytes(StandardCharsets.UTF_8);
        }

        /** Parses {@link #toBytes()}; empty when the bytes are not an intent this version reads. */
        static Optional<Intent> parse(byte[] bytes) {
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            if (lines.length == 0 || !lines[0].equals(VERSION)) {
                return Optional.empty();
            }
            Map<String, String> fields = new LinkedHashMap<>();
            List<String> keys = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(": ");
                if (colon < 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon);
                String value = lines[i].substring(colon + 2);
                if (name.equals(OBJECT)) {
                    keys.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
                } else {
                    fields.put(name, value);
                }
            }
            Optional<ArchiveMetadata.Owner> owner = ArchiveMetadata.owner(fields);
            var first = ArchiveMetadata.longValue(fields, FIRST);
            var next = ArchiveMetadata.longValue(fields, NEXT);
            var committed = ArchiveMetadata.longValue(fields, COMMITTED);
            if (owner.isEmpty() || first.isEmpty() || next.isEmpty() || committed.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(
                    new Intent(
                            owner.get(),
                            first.getAsLong(),
                            next.getAsLong(),
                            committed.getAsLong(),
                            keys));
        }
    }

    /**
     * One assigned partition's intents, as this owner knows them: made with the writer on
     * assignment, used by the upload of each of its batches in turn.
     */
    static final class PartitionIntents {
        private final Path stagingDir;

        /** The intent this owner last wrote; null before its first batch of the assignment. */
        private volatile Intent written;

        PartitionIntents(Path stagingDir) {
            this.stagingDir = stagingDir;
        }
    }

    private final ObjectStorage storage;
    private final StorageLocation root;
    private final String group;
    private final String name;

    BatchIntents(ObjectStorage storage, StorageLocation root, String group, String name) {
        this.storage = storage;
        this.root = root;
        this.group = group;
        this.name = name;
    }

    /** Where a partition's intent lives: one object per group and topic-partition. */
    StorageLocation location(TopicPartitionId partition) {
        return root.resolve(
                PREFIX
                        + group.replaceAll("[^A-Za-z0-9._-]", "_")
                        + "/"
                        + partition.topic()
                        + "/"
                        + partition.partition());
    }

    /**
     * Records what {@code batch} is about to write, after deleting the leftovers of the previous
     * batch of its partition when that batch was not committed.
     *
     * @throws OwnershipLostException when a newer owner of the partition wrote the intent
     * @throws StorageException (retryable) when another writer changed the intent meanwhile
     */
    void announce(Batch batch) throws IOException {
        PartitionIntents state = batch.intents;
        StorageLocation location = location(batch.partition);
        Optional<ObjectInfo> current = storage.stat(location);
        Intent previous = null;
        if (current.isPresent()) {
            Optional<ArchiveMetadata.Owner> writer =
                    ArchiveMetadata.owner(current.get().metadata());
            Intent mine = state.written;
            if (mine != null && writer.isPresent() && writer.get().equals(mine.owner())) {
                previous = mine;
            } else {
                previous = read(location).orElse(null);
            }
            ArchiveMetadata.Owner by = writer.orElse(previous == null ? null : previous.owner());
            if (by != null
                    && by.group().equals(batch.owner.group())
                    && BatchUploader.newerOwner(by, batch.owner)) {
                throw new OwnershipLostException(
                        location
                                + " was written by a newer owner of "
                                + batch.partition
                                + " (epoch "
                                + by.epoch()
                                + " >= "
                                + batch.owner.epoch()
                                + ")");
            }
        }
        if (previous != null
                && previous.owner().group().equals(batch.owner.group())
                && previous.uncommitted(batch.expectedCommitted)) {
            removeLeftovers(batch, previous);
        }
        Intent intent = intentOf(batch);
        Precondition precondition = Precondition.none();
        if (storage.supportsConditionalWrites()) {
            precondition =
                    current.isEmpty()
                            ? Precondition.ifNoneMatch()
                            : Precondition.ifMatch(
                                    current.get()
                                            .etag()
                                            .orElseThrow(
                                                    () ->
                                                            new StorageException(
                                                                    "No version tag for "
                                                                            + location
                                                                            + "; cannot replace it safely",
                                                                    false)));
        }
        Path local = state.stagingDir.resolve(UUID.randomUUID() + ".intent");
        try {
            Files.createDirectories(state.stagingDir);
            Files.write(local, intent.toBytes());
            storage.upload(
                    local,
                    location,
                    new UploadOptions(
                            ArchiveMetadata.builder().owner(batch.owner).build(), precondition));
        } catch (PreconditionFailedException e) {
            state.written = null; // read it again: another writer's intent lists its own keys
            throw new StorageException(
                    location + " changed while announcing " + batch + "; retrying", true, e);
        } finally {
            Files.deleteIfExists(local);
        }
        state.written = intent;
    }

    private Optional<Intent> read(StorageLocation location) throws IOException {
        byte[] bytes;
        try (InputStream in = storage.open(location)) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
        Optional<Intent> intent = Intent.parse(bytes);
        if (intent.isEmpty()) {
            log.warn("{}: {} is not an intent this version reads; ignored", name, location);
        }
        return intent;
    }

    /**
     * Deletes the objects of an uncommitted batch that {@code batch} will not overwrite, each only
     * while it is still the one that batch's owner wrote (or carries no owner: a store that keeps
     * no metadata).
     */
    private void removeLeftovers(Batch batch, Intent previous) throws IOException {
        Set<String> overwritten = new HashSet<>();
        for (Batch.SealedFile f : batch.files) {
            overwritten.add(f.target().relativeTo(root));
        }
        for (String key : previous.keys()) {
            if (overwritten.contains(key) || key.startsWith(ArchiveVerifier.RESERVED_PREFIX)) {
                continue;
            }
            StorageLocation leftover = root.resolve(key);
            Optional<ObjectInfo> info = storage.stat(leftover);
            if (info.isEmpty()) {
                continue; // the batch stopped before this upload
            }
            Optional<ArchiveMetadata.Owner> writer = ArchiveMetadata.owner(info.get().metadata());
            if (writer.isPresent() && !writer.get().equals(previous.owner())) {
                continue;
            }
            storage.delete(leftover);
            log.info(
                    "{}: deleted {}, left by the uncommitted batch {}..{} of {}",
                    name,
                    leftover,
                    previous.first(),
                    previous.next(),
                    batch.partition);
        }
    }

    private Intent intentOf(Batch batch) {
        List<String> keys = new ArrayList<>(batch.files.size());
        for (Batch.SealedFile f : batch.files) {
            keys.add(f.target().relativeTo(root));
        }
        return new Intent(
                batch.owner, batch.firstOffset, batch.nextOffset, batch.expectedCommitted, keys);
    }
}
