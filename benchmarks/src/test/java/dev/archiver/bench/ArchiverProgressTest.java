package dev.archiver.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archiver.record.TopicPartitionId;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchiverProgressTest {
    private static final TopicPartitionId P0 = new TopicPartitionId("t", 0);
    private static final TopicPartitionId P1 = new TopicPartitionId("t", 1);
    private static final TopicPartitionId EMPTY = new TopicPartitionId("t", 2);

    @Test
    void completeOnlyWhenEveryNonEmptyPartitionReportedItsEndOffset() throws Exception {
        ArchiverProgress progress = new ArchiverProgress(30, Map.of(P0, 10L, P1, 20L, EMPTY, 0L));
        assertThatThrownBy(progress::firstRecordNanos).isInstanceOf(IllegalStateException.class);

        progress.recordsConsumed(P0, 0, 0);
        assertThatThrownBy(progress::firstRecordNanos)
                .as("an empty poll is not the first record")
                .isInstanceOf(IllegalStateException.class);
        progress.recordsConsumed(P0, 10, 10_000);
        long first = progress.firstRecordNanos();
        assertThatThrownBy(progress::drainedNanos)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only 10 records");
        progress.recordsConsumed(P1, 20, 20_000);
        assertThat(progress.drainedNanos()).isGreaterThanOrEqualTo(first);

        progress.committed(P0, 10);
        progress.committed(P1, 15);
        progress.committed(new TopicPartitionId("other", 1), 99);
        assertThat(progress.awaitCommitted(Duration.ZERO)).isFalse();
        assertThat(progress.pending()).containsExactly(P1);
        assertThatThrownBy(progress::committedNanos).isInstanceOf(IllegalStateException.class);

        progress.committed(P1, 20);
        assertThat(progress.awaitCommitted(Duration.ZERO)).isTrue();
        assertThat(progress.pending()).isEmpty();
        long committed = progress.committedNanos();
        assertThat(committed).isGreaterThanOrEqualTo(progress.drainedNanos());
        progress.committed(P1, 20);
        assertThat(progress.committedNanos()).as("reported once").isEqualTo(committed);
    }

    @Test
    void refusesATopicWithNoRecords() {
        assertThatThrownBy(() -> new ArchiverProgress(0, Map.of(EMPTY, 0L)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
