package io.streamwatch.flink.kinesis;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.streamwatch.flink.time.EventTimeClock;

/**
 * Event time of the Kinesis shards one source subtask reads (DESIGN §4): each shard has its own
 * clock, moved by its valid events only; the subtask's watermark is the minimum over the shards
 * that are not idle. A shard that has not delivered a valid event yet holds the watermark back
 * (it may hold older events than the others: a catch-up from TRIM_HORIZON, a restore, a hot
 * shard). A shard is idle when it is caught up with the stream (the last read answered
 * {@code millisBehindLatest} = 0) and has delivered no valid event for the idle timeout; a shard
 * read to its end (after a reshard) no longer counts. Not thread-safe: the fetcher calls it under
 * the checkpoint lock.
 */
public final class ShardClocks {

    /** {@link #watermark} when every shard is idle: the subtask should be marked idle. */
    public static final long ALL_IDLE = Long.MAX_VALUE;

    private static final class Shard {
        final String key;
        final EventTimeClock clock;
        long lastValidEventAt;
        long millisBehindLatest = -1; // unknown until the first read answers
        boolean ended;

        Shard(String key, EventTimeClock clock, long now) {
            this.key = key;
            this.clock = clock;
            this.lastValidEventAt = now;
        }
    }

    private final long outOfOrdernessMillis;
    private final long idleTimeoutMillis;
    private final Map<Integer, Shard> shards = new LinkedHashMap<>();

    /** @param idleTimeoutMillis 0 or less: a shard is never idle by time */
    public ShardClocks(long outOfOrdernessMillis, long idleTimeoutMillis) {
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    /** A shard this subtask reads, with the newest event time restored from a checkpoint, if any. */
    public void register(int index, String key, Long restoredMaxEventTime, long now) {
        Shard shard = new Shard(key, new EventTimeClock(outOfOrdernessMillis), now);
        if (restoredMaxEventTime != null) {
            shard.clock.observe(restoredMaxEventTime);
        }
        shards.put(index, shard);
    }

    /** A valid event of the shard was emitted; true when the shard's clock moved forward. */
    public boolean onValidEvent(int index, long eventTimeMillis, long now) {
        Shard shard = shards.get(index);
        shard.lastValidEventAt = now;
        return shard.clock.observe(eventTimeMillis);
    }

    public void onMillisBehindLatest(int index, long millisBehindLatest) {
        Shard shard = shards.get(index);
        if (shard != null) {
            shard.millisBehindLatest = millisBehindLatest;
        }
    }

    public void onShardEnded(int index) {
        Shard shard = shards.get(index);
        if (shard != null) {
            shard.ended = true;
        }
    }

    /**
     * The subtask's watermark: the minimum over active shards; {@link EventTimeClock#NONE} while
     * an active shard has no valid event yet (or there are no shards); {@link #ALL_IDLE} when
     * every shard is idle or ended.
     */
    public long watermark(long now) {
        long watermark = ALL_IDLE;
        for (Shard shard : shards.values()) {
            if (shard.ended || isIdle(shard, now)) {
                continue;
            }
            watermark = Math.min(watermark, shard.clock.watermark());
        }
        return shards.isEmpty() ? EventTimeClock.NONE : watermark;
    }

    private boolean isIdle(Shard shard, long now) {
        return idleTimeoutMillis > 0
                && shard.millisBehindLatest == 0
                && now - shard.lastValidEventAt >= idleTimeoutMillis;
    }

    /** The newest valid event time of each shard that has one, by shard key, for a checkpoint. */
    public Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new HashMap<>();
        for (Shard shard : shards.values()) {
            if (shard.clock.maxEventTime() != EventTimeClock.NONE) {
                snapshot.put(shard.key, shard.clock.maxEventTime());
            }
        }
        return snapshot;
    }
}
