package io.streamwatch.flink.kinesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.streamwatch.flink.time.EventTimeClock;

class ShardClocksTest {

    private static final long OOO = 5_000;
    private static final long IDLE = 30_000;

    static ShardLineage shard(String id, String parent, String adjacent, long start, long end) {
        return new ShardLineage(id, parent, adjacent, BigInteger.valueOf(start), BigInteger.valueOf(end));
    }

    private static void open(ShardClocks clocks, int index, Long restored) {
        clocks.register(index, "s/" + index, shard("shardId-" + index, null, null, index * 100L, index * 100L + 99),
                restored, false, 0);
    }

    @Test
    void aShardWithoutEventsHoldsTheWatermarkBack() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        open(clocks, 0, null);
        open(clocks, 1, null);
        clocks.onValidRecord(0, 100_000, 1);
        assertEquals(EventTimeClock.NONE, clocks.watermark(2));
        clocks.onValidRecord(1, 50_000, 3);
        assertEquals(50_000 - OOO - 1, clocks.watermark(4));
    }

    @Test
    void aShardBehindTheStreamIsNeverIdleHoweverLongItIsSilent() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        open(clocks, 0, null);
        open(clocks, 1, null);
        clocks.onValidRecord(0, 100_000, 0);
        clocks.onValidRecord(1, 50_000, 0);
        clocks.onMillisBehindLatest(0, 0);
        clocks.onMillisBehindLatest(1, 3_600_000);
        assertEquals(50_000 - OOO - 1, clocks.watermark(10 * IDLE));
        clocks.onMillisBehindLatest(1, 0); // caught up and silent: idle
        assertEquals(ShardClocks.ALL_IDLE, clocks.watermark(10 * IDLE));
        clocks.onValidRecord(0, 200_000, 10 * IDLE);
        assertEquals(200_000 - OOO - 1, clocks.watermark(10 * IDLE + 1));
    }

    @Test
    void aShardThatNeverAnsweredIsNotIdle() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        open(clocks, 0, null);
        assertEquals(EventTimeClock.NONE, clocks.watermark(10 * IDLE));
        clocks.onMillisBehindLatest(0, 0);
        assertEquals(ShardClocks.ALL_IDLE, clocks.watermark(10 * IDLE));
    }

    @Test
    void noShardsMeansIdle() {
        assertEquals(ShardClocks.ALL_IDLE, new ShardClocks(OOO, IDLE).watermark(0));
    }

    /** Issue 13 1b: an ended parent keeps counting, with the clock it ended with, until its children are read. */
    @Test
    void anEndedShardHoldsItsClockUntilReleasedThenNeverCountsAgain() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        open(clocks, 0, null);
        open(clocks, 1, null);
        clocks.onValidRecord(0, 60_000, 0);
        clocks.onValidRecord(1, 70_000, 0);
        clocks.onShardEnded(0);
        clocks.onValidRecord(1, 500_000, 1);
        assertEquals(60_000 - OOO - 1, clocks.watermark(2 * IDLE)); // idle timeout or not
        assertEquals(List.of("shardId-0"), ids(clocks.awaitingChildren()));
        clocks.release(List.of("shardId-0"));
        assertEquals(500_000 - OOO - 1, clocks.watermark(2 * IDLE));
        assertTrue(clocks.awaitingChildren().isEmpty());
        clocks.onShardEnded(0); // a second end signal does not bring it back
        assertEquals(500_000 - OOO - 1, clocks.watermark(2 * IDLE));
    }

    /** Issue 13 1a: a shard restored as read to its end is never read again: it must not hold the watermark. */
    @Test
    void aShardRestoredAsEndedDoesNotCount() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        clocks.register(0, "s/0", shard("shardId-0", null, null, 0, 99), 40_000L, true, 0);
        open(clocks, 1, 90_000L);
        assertEquals(90_000 - OOO - 1, clocks.watermark(1));
        assertTrue(clocks.awaitingChildren().isEmpty());
    }

    /** Issue 13 1c: only the shards still being read are checkpointed. */
    @Test
    void restoredClocksResumeAndOnlyShardsStillReadAreSnapshotted() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        open(clocks, 0, 80_000L);
        open(clocks, 1, 90_000L);
        clocks.register(2, "s/2", shard("shardId-2", null, null, 200, 299), 10_000L, true, 0);
        open(clocks, 3, null);
        clocks.onValidRecord(3, 95_000, 0);
        assertEquals(80_000 - OOO - 1, clocks.watermark(1));
        clocks.onValidRecord(0, 60_000, 2); // older than what was restored: the clock does not go back
        clocks.onShardEnded(3);
        assertEquals(Map.of("s/0", 80_000L, "s/1", 90_000L), clocks.snapshot());
    }

    @Test
    void onlyTheShardThatSetTheWatermarkCanRaiseIt() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        open(clocks, 0, 10_000L);
        open(clocks, 1, 20_000L);
        clocks.watermark(0);
        assertTrue(clocks.holdsWatermark(0));
        assertFalse(clocks.holdsWatermark(1));
    }

    @Test
    void idleTimeoutZeroMeansNeverIdle() {
        ShardClocks clocks = new ShardClocks(OOO, 0);
        open(clocks, 0, null);
        clocks.onValidRecord(0, 10_000, 0);
        clocks.onMillisBehindLatest(0, 0);
        assertEquals(10_000 - OOO - 1, clocks.watermark(Long.MAX_VALUE / 2));
    }

    static List<String> ids(List<ShardLineage> shards) {
        return shards.stream().map(shard -> shard.shardId).collect(java.util.stream.Collectors.toList());
    }
}
