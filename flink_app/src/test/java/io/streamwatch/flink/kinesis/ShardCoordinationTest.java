package io.streamwatch.flink.kinesis;

import static io.streamwatch.flink.kinesis.ShardClocksTest.shard;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.streamwatch.flink.time.EventTimeClock;

class ShardCoordinationTest {

    private final ShardCoordination.Aggregate aggregate = new ShardCoordination.Aggregate();

    private ShardCoordination.Result report(ShardCoordination.Reports reports, int subtask, long watermark,
                                            List<ShardLineage> registered, List<ShardLineage> awaiting) {
        return report(reports, subtask, 3, watermark, registered, awaiting);
    }

    private ShardCoordination.Result report(ShardCoordination.Reports reports, int subtask, int subtasks, long watermark,
                                            List<ShardLineage> registered, List<ShardLineage> awaiting) {
        aggregate.add(ShardCoordination.encode(
                new ShardCoordination.Update(subtask, subtasks, watermark, registered, awaiting)), reports);
        return ShardCoordination.decode(aggregate.getResult(reports));
    }

    @Test
    void eachSubtaskLearnsTheMinimumOverTheOthersThatAreNotIdle() {
        ShardCoordination.Reports reports = aggregate.createAccumulator();
        // unknown until all three have reported: the one not heard from may hold the oldest records
        assertEquals(EventTimeClock.NONE, report(reports, 0, 9_000, List.of(), List.of()).othersWatermark);
        assertEquals(EventTimeClock.NONE, report(reports, 1, 4_000, List.of(), List.of()).othersWatermark);
        assertEquals(4_000, report(reports, 2, ShardClocks.ALL_IDLE, List.of(), List.of()).othersWatermark);
        assertEquals(4_000, report(reports, 0, 9_500, List.of(), List.of()).othersWatermark);
        assertEquals(9_500, report(reports, 1, 4_100, List.of(), List.of()).othersWatermark); // not its own
        report(reports, 2, EventTimeClock.NONE, List.of(), List.of()); // a shard without a record yet holds all back
        assertEquals(EventTimeClock.NONE, report(reports, 0, 9_600, List.of(), List.of()).othersWatermark);
        report(reports, 2, ShardClocks.ALL_IDLE, List.of(), List.of());
        report(reports, 1, ShardClocks.ALL_IDLE, List.of(), List.of());
        assertEquals(ShardClocks.ALL_IDLE, report(reports, 0, 9_700, List.of(), List.of()).othersWatermark);
    }

    /** An ended parent is released once another subtask reports its children registered. */
    @Test
    void aParentIsReleasedWhenItsChildrenAreRegisteredAnywhere() {
        ShardCoordination.Reports reports = aggregate.createAccumulator();
        ShardLineage parent = shard("p", null, null, 0, 999);
        ShardLineage low = shard("a", "p", null, 0, 499);
        ShardLineage high = shard("b", "p", null, 500, 999);
        assertEquals(Set.of(), report(reports, 0, 1_000, List.of(parent), List.of(parent)).released);
        report(reports, 1, 2_000, List.of(low), List.of());
        assertEquals(Set.of(), report(reports, 0, 1_000, List.of(parent), List.of(parent)).released);
        report(reports, 2, 2_000, List.of(high), List.of());
        assertEquals(Set.of("p"), report(reports, 0, 1_000, List.of(parent), List.of(parent)).released);
        assertEquals(3, report(reports, 0, 1_000, List.of(parent), List.of()).subtasksHeard);
    }
}
