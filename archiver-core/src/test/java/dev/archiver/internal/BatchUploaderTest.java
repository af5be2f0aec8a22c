package dev.archiver.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archiver.storage.ArchiveMetadata;
import dev.archiver.storage.ArchiveMetadata.Owner;
import org.junit.jupiter.api.Test;

/** Who counts as a newer owner of an existing object (fencing, docs/design.md invariant 5). */
class BatchUploaderTest {
    private static final Owner ME = new Owner("g", 7, "m-2", "", 2_000);

    @Test
    void aHigherGenerationIsNewerAndALowerOneIsALeftover() {
        assertThat(BatchUploader.newerOwner(new Owner("g", 8, "m-9", "", 1_000), ME)).isTrue();
        assertThat(BatchUploader.newerOwner(new Owner("g", 6, "m-9", "", 9_000), ME)).isFalse();
    }

    @Test
    void myOwnObjectIsNotANewerOwners() {
        assertThat(BatchUploader.newerOwner(new Owner("g", 7, "m-2", "", 2_000), ME)).isFalse();
    }

    @Test
    void anotherDynamicMemberOfTheSameGenerationIsTakenForNewer() {
        assertThat(BatchUploader.newerOwner(new Owner("g", 7, "m-1", "", 1_000), ME)).isTrue();
    }

    @Test
    void staticMembershipAnEarlierIncarnationIsALeftoverALaterOneMakesMeTheZombie() {
        Owner restarted = new Owner("g", 7, "static-a-2", "static-a", 2_000);
        Owner killed = new Owner("g", 7, "static-a-1", "static-a", 1_000);
        assertThat(BatchUploader.newerOwner(killed, restarted))
                .as("leftover of the killed one")
                .isFalse();
        assertThat(BatchUploader.newerOwner(restarted, killed))
                .as("the old one is the zombie")
                .isTrue();
        Owner otherInstance = new Owner("g", 7, "static-b-1", "static-b", 1_000);
        assertThat(BatchUploader.newerOwner(otherInstance, restarted)).isTrue();
    }

    @Test
    void ownerMetadataRoundTrips() {
        Owner owner = new Owner("g", 7, "static-a-2", "static-a", 2_000);
        assertThat(ArchiveMetadata.owner(ArchiveMetadata.builder().owner(owner).build()))
                .contains(owner);
        assertThat(ArchiveMetadata.owner(java.util.Map.of())).isEmpty();
    }
}
