package io.streamwatch.flink.kinesis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.streamwatch.flink.time.EventTimeClock;

/**
 * Event time of the Kinesis shards one source subtask reads (DESIGN §4): each shard has its own
 * clock, moved by its valid records only, each by min(event time, arrival); the subtask's
 * watermark is the minimum over the shards that count. Not thread-safe: the fetcher calls it under
 * the checkpoint lock.
 *
 * <ul>
 *   <li>A shard that has not delivered a valid record yet holds the watermark back: it may hold
 *       older records than the others (a catch-up from TRIM_HORIZON, a restore, a hot shard).
 *   <li>A shard is idle, and does not count, once it is caught up with the stream (its last read
 *       answered {@code millisBehindLatest} = 0) and has delivered no valid record for the idle
 *       timeout.
 *   <li>A shard read to its end (closed by a split or merge) keeps counting, with the clock it
 *       ended with, until its children are being read — by this subtask or any other — so that
 *       the first records of the children are not judged against a watermark that moved on
 *       without them. Then it no longer counts, ever; nor does a shard that had already ended
 *       when the job was restored (its children are registered before any record is read).
 * </ul>
 */
public final class ShardClocks {

    /** {@link #watermark} when no shard counts (every one idle or ended): the subtask is idle. */
    public static final long ALL_IDLE = Long.MAX_VALUE;

    enum Phase { OPEN, ENDED_AWAITING_CHILDREN, DONE }

    private static final class Shard {
        final String key;
        final ShardLineage lineage;
        final EventTimeClock clock;
        long lastValidRecordAt;
        long millisBehindLatest = -1; // unknown until the first read answers
        Phase phase = Phase.OPEN;

        Shard(String key, ShardLineage lineage, EventTimeClock clock, long now) {
            this.key = key;
            this.lineage = lineage;
            this.clock = clock;
            this.lastValidRecordAt = now;
        }

        boolean counts(long now, long idleTimeoutMillis) {
            switch (phase) {
                case DONE:
                    return false;
                case ENDED_AWAITING_CHILDREN:
                    return true;
                default:
                    return !(idleTimeoutMillis > 0 && millisBehindLatest == 0
                            && now - lastValidRecordAt >= idleTimeoutMillis);
            }
        }
    }

    private final long outOfOrdernessMillis;
    private final long idleTimeoutMillis;
    private final Map<Integer, Shard> shards = new LinkedHashMap<>();
    /** The shard that set the last watermark; -1 when no single shard did (see holdsWatermark). */
    private int holder = -1;

    /** @param idleTimeoutMillis 0 or less: a shard is never idle by time */
    public ShardClocks(long outOfOrdernessMillis, long idleTimeoutMillis) {
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    /**
     * A shard this subtask reads: with the clock restored from a checkpoint, if any; {@code ended}
     * when it was read to its end before the restore (it will not be read again).
     */
    public void register(int index, String key, ShardLineage lineage, Long restoredClock, boolean ended, long now) {
        Shard shard = new Shard(key, lineage, new EventTimeClock(outOfOrdernessMillis), now);
        if (restoredClock != null) {
            shard.clock.observe(restoredClock);
        }
        if (ended) {
            shard.phase = Phase.DONE;
        }
        shards.put(index, shard);
    }

    /** A valid record of the shard was emitted, moving its clock to {@code clockMillis} at most; true when it moved. */
    public boolean onValidRecord(int index, long clockMillis, long now) {
        Shard shard = shards.get(index);
        shard.lastValidRecordAt = now;
        return shard.clock.observe(clockMillis);
    }

    public void onMillisBehindLatest(int index, long millisBehindLatest) {
        Shard shard = shards.get(index);
        if (shard != null) {
            shard.millisBehindLatest = millisBehindLatest;
        }
    }

    /** The shard was read to its end: it keeps its clock until its children are read ({@link #release}). */
    public void onShardEnded(int index) {
        Shard shard = shards.get(index);
        if (shard != null && shard.phase == Phase.OPEN) {
            shard.phase = Phase.ENDED_AWAITING_CHILDREN;
        }
    }

    /** Ended shards still waiting for their children to be read. */
    public List<ShardLineage> awaitingChildren() {
        List<ShardLineage> waiting = new ArrayList<>();
        for (Shard shard : shards.values()) {
            if (shard.phase == Phase.ENDED_AWAITING_CHILDREN) {
                waiting.add(shard.lineage);
            }
        }
        return waiting;
    }

    /** The shards of {@code shardIds} that waited for their children no longer count. */
    public void release(Collection<String> shardIds) {
        for (Shard shard : shards.values()) {
            if (shard.phase == Phase.ENDED_AWAITING_CHILDREN && shardIds.contains(shard.lineage.shardId)) {
                shard.phase = Phase.DONE;
            }
        }
    }

    /** Every shard this subtask has registered, for the other subtasks to know which children are read. */
    public List<ShardLineage> registered() {
        List<ShardLineage> registered = new ArrayList<>(shards.size());
        for (Shard shard : shards.values()) {
            registered.add(shard.lineage);
        }
        return registered;
    }

    /**
     * The subtask's watermark: the minimum over the shards that count; {@link EventTimeClock#NONE}
     * while one of them has no valid record yet; {@link #ALL_IDLE} when none counts (or there is
     * no shard at all).
     */
    public long watermark(long now) {
        long watermark = ALL_IDLE;
        holder = -1;
        for (Map.Entry<Integer, Shard> entry : shards.entrySet()) {
            Shard shard = entry.getValue();
            if (shard.counts(now, idleTimeoutMillis) && shard.clock.watermark() < watermark) {
                watermark = shard.clock.watermark();
                holder = entry.getKey();
            }
        }
        if (watermark == ALL_IDLE) {
            holder = -1;
        }
        return watermark;
    }

    /**
     * Whether a record of this shard can raise the watermark computed last: only the shard that
     * set it can (or any, when none set it alone, e.g. every shard was idle). It spares the record
     * path a scan of every shard for the records of the others.
     */
    public boolean holdsWatermark(int index) {
        return holder == -1 || holder == index;
    }

    /** The watermark the shard alone would give (NONE before its first valid record). */
    public long shardWatermark(int index) {
        Shard shard = shards.get(index);
        return shard == null ? EventTimeClock.NONE : shard.clock.watermark();
    }

    /**
     * The clock of each shard still being read, by shard key, for a checkpoint: an ended shard
     * is not read again after a restore, so it is not kept.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new HashMap<>();
        for (Shard shard : shards.values()) {
            if (shard.phase == Phase.OPEN && shard.clock.maxEventTime() != EventTimeClock.NONE) {
                snapshot.put(shard.key, shard.clock.maxEventTime());
            }
        }
        return snapshot;
    }
}
