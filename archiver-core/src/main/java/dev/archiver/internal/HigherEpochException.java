package dev.archiver.internal;

import dev.archiver.offset.OwnershipLostException;
import dev.archiver.storage.StorageLocation;

/**
 * An upload met an object of this consumer group written in a higher generation than this member's.
 * Either this member is a zombie (the group moved on), or the group was deleted or expired and
 * re-created, and its generations started again: {@link Completions} tells the two apart by asking
 * the group coordinator (a fenced commit) before it replays.
 */
final class HigherEpochException extends OwnershipLostException {
    private static final long serialVersionUID = 1L;

    final transient StorageLocation target;
    final int objectEpoch;
    final int ownEpoch;
    final String group;

    HigherEpochException(
            StorageLocation target, String group, int objectEpoch, int ownEpoch, String message) {
        super(message);
        this.target = target;
        this.group = group;
        this.objectEpoch = objectEpoch;
        this.ownEpoch = ownEpoch;
    }
}
