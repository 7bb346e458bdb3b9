package io.streamwatch.flink.kinesis;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.connectors.kinesis.KinesisShardAssigner;
import org.apache.flink.streaming.connectors.kinesis.internals.KinesisDataFetcher;
import org.apache.flink.streaming.connectors.kinesis.internals.ShardConsumer;
import org.apache.flink.streaming.connectors.kinesis.metrics.ShardConsumerMetricsReporter;
import org.apache.flink.streaming.connectors.kinesis.model.KinesisStreamShardState;
import org.apache.flink.streaming.connectors.kinesis.model.SentinelSequenceNumber;
import org.apache.flink.streaming.connectors.kinesis.model.SequenceNumber;
import org.apache.flink.streaming.connectors.kinesis.model.StreamShardHandle;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.table.data.RowData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamwatch.flink.event.EventRows;
import io.streamwatch.flink.time.EventTimeClock;

/**
 * The connector's fetcher with the event time of DESIGN §4 instead of its own ({@link ShardClocks}:
 * per shard, valid records only, none past its arrival, minimum over the shards that count), and
 * with the source subtasks kept in step through the JobManager ({@link ShardCoordinator}):
 *
 * <ul>
 *   <li><b>Resharding.</b> An ended parent holds the watermark until its children are registered
 *       by some subtask; meanwhile no subtask emits a watermark above the others' (the minimum of
 *       the other subtasks' own, as last reported), so a subtask that has not discovered a child
 *       yet cannot carry the job's event time past the child's first records.
 *   <li><b>Alignment.</b> A shard whose own watermark runs more than {@code maxDriftMillis} ahead
 *       of the job's (this subtask's live one and the others' last reported) is paused: its
 *       reading thread waits before emitting, so that a catch-up of shards read at different
 *       speeds keeps downstream state within the window. The slowest shard is never paused, so
 *       the catch-up goes as fast as it can read.
 *   <li><b>Restore.</b> Each shard's clock is checkpointed with its sequence number; after a
 *       restore the restored watermark goes out before the first record, so a restart judges
 *       lateness as the run before it did.
 * </ul>
 *
 * <p>At parallelism 1 the subtask is the whole job and coordinates with itself, without RPCs.
 */
final class ShardWatermarkFetcher extends KinesisDataFetcher<RowData> {

    private static final Logger LOG = LoggerFactory.getLogger(ShardWatermarkFetcher.class);
    private static final long PAUSE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final SourceFunction.SourceContext<RowData> sourceContext;
    private final Object lock;
    private final ProcessingTimeService timers;
    private final long intervalMillis;
    private final ShardClocks clocks;
    private final Map<String, Long> restored;
    private final long maxDriftMillis;
    private final long syncIntervalMillis;
    private final int subtask;
    private final int subtasks;
    /** Null at parallelism 1. */
    private final ShardCoordinator coordinator;
    private final AtomicInteger pausedShards = new AtomicInteger();

    // Guarded by the checkpoint lock.
    private long emitted = EventTimeClock.NONE;
    private long local = EventTimeClock.NONE;
    private long others = EventTimeClock.NONE;
    private boolean ready;
    private boolean idle;

    private volatile boolean started;
    private volatile boolean stopped;
    private volatile Thread syncThread;

    ShardWatermarkFetcher(
            List<String> streams,
            SourceFunction.SourceContext<RowData> sourceContext,
            RuntimeContext runtimeContext,
            Properties configProps,
            KinesisDeserializationSchema<RowData> deserializationSchema,
            KinesisShardAssigner shardAssigner,
            ShardClocks clocks,
            Map<String, Long> restored,
            long maxDriftMillis,
            long syncIntervalMillis) {
        super(streams, sourceContext, runtimeContext, configProps, deserializationSchema, shardAssigner, null, null);
        StreamingRuntimeContext streaming = (StreamingRuntimeContext) runtimeContext;
        this.sourceContext = sourceContext;
        this.lock = sourceContext.getCheckpointLock();
        this.timers = streaming.getProcessingTimeService();
        this.intervalMillis = Math.max(1, runtimeContext.getExecutionConfig().getAutoWatermarkInterval());
        this.clocks = clocks;
        this.restored = restored;
        this.maxDriftMillis = maxDriftMillis;
        this.syncIntervalMillis = syncIntervalMillis;
        this.subtask = runtimeContext.getIndexOfThisSubtask();
        this.subtasks = runtimeContext.getNumberOfParallelSubtasks();
        this.coordinator = runtimeContext.getNumberOfParallelSubtasks() == 1 ? null
                : new ShardCoordinator(streaming.getGlobalAggregateManager(), streaming.getOperatorUniqueID(),
                        runtimeContext.getAttemptNumber());
        this.ready = coordinator == null;
        MetricGroup metrics = runtimeContext.getMetricGroup().addGroup("streamwatch");
        metrics.gauge("localWatermark", () -> local);
        metrics.gauge("othersWatermark", () -> others);
        metrics.gauge("pausedShards", pausedShards::get);
    }

    static String shardKey(StreamShardHandle shard) {
        return shard.getStreamName() + "/" + shard.getShard().getShardId();
    }

    boolean isStarted() {
        return started;
    }

    @Override
    public int registerNewSubscribedShardState(KinesisStreamShardState state) {
        synchronized (lock) {
            int index = super.registerNewSubscribedShardState(state);
            String key = shardKey(state.getStreamShardHandle());
            boolean ended = SentinelSequenceNumber.SENTINEL_SHARD_ENDING_SEQUENCE_NUM.get()
                    .equals(state.getLastProcessedSequenceNum());
            clocks.register(index, key, ShardLineage.of(state.getStreamShardHandle()), restored.get(key), ended,
                    System.currentTimeMillis());
            return index;
        }
    }

    @Override
    public void runFetcher() throws Exception {
        started = true;
        if (coordinator == null) {
            synchronized (lock) {
                emitWatermark(false); // a restored watermark goes out before the first record
            }
        } else {
            Thread thread = new Thread(this::synchronizeUntilStopped, "streamwatch-shard-sync-" + subtask);
            thread.setDaemon(true);
            syncThread = thread;
            thread.start(); // records wait for its first answer (see emitRecordAndUpdateState)
        }
        scheduleWatermarkTimer();
        super.runFetcher();
    }

    @Override
    public void shutdownFetcher() {
        stopped = true;
        Thread thread = syncThread;
        if (thread != null) {
            thread.interrupt();
        }
        super.shutdownFetcher();
    }

    /**
     * Called by a shard's reading thread for each record. It waits (holding no lock) while the
     * first exchange with the other subtasks is outstanding, or while this shard runs more than
     * the allowed drift ahead of the job's event time; a record not emitted because the fetcher
     * stops is read again after a restore (its sequence number was not advanced).
     */
    @Override
    protected void emitRecordAndUpdateState(
            RowData record, long recordTimestamp, int shardStateIndex, SequenceNumber lastSequenceNumber) {
        boolean paused = false;
        try {
            while (true) {
                synchronized (lock) {
                    if (stopped) {
                        return;
                    }
                    if (ready && !runsAhead(shardStateIndex)) {
                        emit(record, recordTimestamp, shardStateIndex, lastSequenceNumber);
                        return;
                    }
                }
                if (!paused) {
                    paused = true;
                    pausedShards.incrementAndGet();
                }
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                LockSupport.parkNanos(PAUSE_POLL_NANOS);
            }
        } finally {
            if (paused) {
                pausedShards.decrementAndGet();
            }
        }
    }

    private void emit(RowData record, long recordTimestamp, int shardStateIndex, SequenceNumber lastSequenceNumber) {
        super.emitRecordAndUpdateState(record, recordTimestamp, shardStateIndex, lastSequenceNumber);
        idle = false; // a record makes the source active again
        long clock = record == null ? Long.MIN_VALUE : EventRows.clockMillis(record);
        if (clock != Long.MIN_VALUE
                && clocks.onValidRecord(shardStateIndex, clock, System.currentTimeMillis())
                && clocks.holdsWatermark(shardStateIndex)) {
            emitWatermark(true);
        }
    }

    /** The shard's own watermark is more than the allowed drift ahead of the job's (under the lock). */
    private boolean runsAhead(int shardStateIndex) {
        if (maxDriftMillis <= 0) {
            return false;
        }
        long job = coordinator == null || others == ShardClocks.ALL_IDLE ? local
                : local == ShardClocks.ALL_IDLE ? others : Math.min(local, others);
        long shard = clocks.shardWatermark(shardStateIndex);
        if (job == ShardClocks.ALL_IDLE || shard == EventTimeClock.NONE) {
            return false;
        }
        // NONE: a shard somewhere has delivered nothing yet (a start, a new child); nobody knows
        // where it will begin, so the others wait for it (it delivers, or goes idle once caught up)
        return job == EventTimeClock.NONE || shard - job > maxDriftMillis;
    }

    @Override
    protected ShardConsumer<RowData> createShardConsumer(
            Integer subscribedShardStateIndex,
            StreamShardHandle subscribedShard,
            SequenceNumber lastSequenceNum,
            MetricGroup metricGroup,
            KinesisDeserializationSchema<RowData> shardDeserializer)
            throws InterruptedException {
        return new ShardConsumer<>(
                this,
                createRecordPublisher(lastSequenceNum, getConsumerConfiguration(), metricGroup, subscribedShard),
                subscribedShardStateIndex,
                subscribedShard,
                lastSequenceNum,
                new ShardProgress(metricGroup, subscribedShardStateIndex),
                shardDeserializer);
    }

    /**
     * Leaves the idle state for good before the source stops. Flink ends a drained legacy source by sending
     * the end of event time straight to the task's output, which drops watermarks while the output
     * is idle: without this, a stop with drain after a quiet period would never fire the last
     * sessions and windows.
     */
    void prepareForStop() {
        synchronized (lock) {
            if (idle && !stopped) { // once stopped, the source context may be closed
                sourceContext.emitWatermark(new Watermark(emitted)); // re-announces ACTIVE
                idle = false;
            }
            stopped = true; // and the watermark timer must not mark it idle again
        }
    }

    /** The clock of each shard still being read, per shard key, for the checkpoint. */
    Map<String, Long> clockSnapshot() {
        synchronized (lock) {
            return clocks.snapshot();
        }
    }

    /** Exchanges with the other subtasks every sync interval until the fetcher stops. */
    private void synchronizeUntilStopped() {
        long failures = 0;
        while (!stopped) {
            ShardCoordination.Update update;
            synchronized (lock) {
                update = new ShardCoordination.Update(subtask, subtasks, clocks.watermark(System.currentTimeMillis()),
                        clocks.registered(), clocks.awaitingChildren());
            }
            try {
                ShardCoordination.Result result = coordinator.exchange(update);
                synchronized (lock) {
                    clocks.release(result.released);
                    others = result.othersWatermark;
                    ready = true;
                    emitWatermark(false);
                }
                failures = 0;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (stopped) {
                    return;
                }
                if (failures++ % 60 == 0) { // a JobManager that does not answer: say so, now and then
                    LOG.warn("subtask {}: no answer from the other source subtasks (attempt {}); event time waits",
                            subtask, failures, e);
                }
            }
            try {
                Thread.sleep(syncIntervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Emits the subtask's watermark when it moved: always on the periodic timer, and from the
     * record path ({@code eager}) once it moved by more than the watermark interval, as Flink
     * SQL's own assigner does. Marks the subtask idle when no shard counts. With other subtasks,
     * never above the others' watermark as they last reported it.
     */
    private void emitWatermark(boolean eager) {
        if (stopped) {
            return; // stopping: above all, do not mark the source idle again (see prepareForStop)
        }
        local = clocks.watermark(System.currentTimeMillis());
        if (local == ShardClocks.ALL_IDLE) {
            if (!idle) {
                sourceContext.markAsTemporarilyIdle();
                idle = true;
            }
            return;
        }
        long watermark = local;
        if (coordinator != null) {
            if (!ready || others == EventTimeClock.NONE) {
                return; // the others hold everything back, or have not answered yet
            }
            if (others != ShardClocks.ALL_IDLE) {
                watermark = Math.min(watermark, others);
            }
        }
        if (watermark == EventTimeClock.NONE || watermark <= emitted) {
            return;
        }
        if (eager && emitted != EventTimeClock.NONE && watermark - emitted <= intervalMillis) {
            return;
        }
        sourceContext.emitWatermark(new Watermark(watermark));
        emitted = watermark;
        idle = false;
    }

    private void onTimer() {
        synchronized (lock) {
            if (coordinator == null) {
                // at parallelism 1 this subtask reads every shard: a parent's children are read once registered here
                clocks.release(released(clocks.awaitingChildren(), clocks.registered()));
            }
            emitWatermark(false);
        }
    }

    private static List<String> released(List<ShardLineage> awaiting, List<ShardLineage> registered) {
        if (awaiting.isEmpty()) {
            return Collections.emptyList();
        }
        List<String> released = new java.util.ArrayList<>();
        for (ShardLineage shard : awaiting) {
            if (shard.coveredBy(registered)) {
                released.add(shard.shardId);
            }
        }
        return released;
    }

    private void scheduleWatermarkTimer() {
        timers.registerTimer(timers.getCurrentProcessingTime() + intervalMillis, timestamp -> {
            onTimer();
            if (!stopped) {
                scheduleWatermarkTimer();
            }
        });
    }

    /** The shard consumer's metrics, also telling the clocks how far behind the shard is read and when it ended. */
    private final class ShardProgress extends ShardConsumerMetricsReporter {
        private final int index;

        ShardProgress(MetricGroup metricGroup, int index) {
            super(metricGroup);
            this.index = index;
        }

        @Override
        public void setMillisBehindLatest(long millisBehindLatest) {
            super.setMillisBehindLatest(millisBehindLatest);
            synchronized (lock) {
                clocks.onMillisBehindLatest(index, millisBehindLatest);
            }
        }

        /** Called when the shard's reading thread ends: read to the end, or stopped. */
        @Override
        public void unregister() {
            super.unregister();
            synchronized (lock) {
                SequenceNumber last = getSubscribedShardsState().get(index).getLastProcessedSequenceNum();
                if (SentinelSequenceNumber.SENTINEL_SHARD_ENDING_SEQUENCE_NUM.get().equals(last)) {
                    clocks.onShardEnded(index);
                }
            }
        }
    }
}
