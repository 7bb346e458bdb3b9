package io.streamwatch.flink.kinesis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.streamwatch.flink.time.EventTimeClock;

class ShardClocksTest {

    private static final long OOO = 5_000;
    private static final long IDLE = 30_000;

    @Test
    void aShardWithoutEventsHoldsTheWatermarkBack() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        clocks.register(0, "s/0", null, 0);
        clocks.register(1, "s/1", null, 0);
        clocks.onValidEvent(0, 100_000, 1);
        assertEquals(EventTimeClock.NONE, clocks.watermark(2));
        clocks.onValidEvent(1, 50_000, 3);
        assertEquals(50_000 - OOO - 1, clocks.watermark(4));
    }

    @Test
    void aShardBehindTheStreamIsNeverIdleHoweverLongItIsSilent() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        clocks.register(0, "s/0", null, 0);
        clocks.register(1, "s/1", null, 0);
        clocks.onValidEvent(0, 100_000, 0);
        clocks.onValidEvent(1, 50_000, 0);
        clocks.onMillisBehindLatest(0, 0);
        clocks.onMillisBehindLatest(1, 3_600_000);
        assertEquals(50_000 - OOO - 1, clocks.watermark(10 * IDLE));
        clocks.onMillisBehindLatest(1, 0); // caught up and silent: idle
        assertEquals(ShardClocks.ALL_IDLE, clocks.watermark(10 * IDLE));
        clocks.onValidEvent(0, 200_000, 10 * IDLE);
        assertEquals(200_000 - OOO - 1, clocks.watermark(10 * IDLE + 1));
    }

    @Test
    void aShardThatNeverAnsweredIsNotIdle() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        clocks.register(0, "s/0", null, 0);
        assertEquals(EventTimeClock.NONE, clocks.watermark(10 * IDLE));
        clocks.onMillisBehindLatest(0, 0);
        assertEquals(ShardClocks.ALL_IDLE, clocks.watermark(10 * IDLE));
    }

    @Test
    void anEndedShardNoLongerCounts() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        clocks.register(0, "s/0", null, 0);
        clocks.register(1, "s/1", null, 0);
        clocks.onValidEvent(1, 70_000, 0);
        clocks.onShardEnded(0);
        assertEquals(70_000 - OOO - 1, clocks.watermark(1));
    }

    @Test
    void restoredEventTimesResumeTheWatermarkAndAreSnapshotted() {
        ShardClocks clocks = new ShardClocks(OOO, IDLE);
        clocks.register(0, "s/0", 80_000L, 0);
        clocks.register(1, "s/1", 90_000L, 0);
        assertEquals(80_000 - OOO - 1, clocks.watermark(1));
        clocks.onValidEvent(0, 60_000, 2); // older than what was restored: the clock does not go back
        assertEquals(Map.of("s/0", 80_000L, "s/1", 90_000L), clocks.snapshot());
    }

    @Test
    void idleTimeoutZeroMeansNeverIdle() {
        ShardClocks clocks = new ShardClocks(OOO, 0);
        clocks.register(0, "s/0", null, 0);
        clocks.onValidEvent(0, 10_000, 0);
        clocks.onMillisBehindLatest(0, 0);
        assertEquals(10_000 - OOO - 1, clocks.watermark(Long.MAX_VALUE / 2));
    }
}
