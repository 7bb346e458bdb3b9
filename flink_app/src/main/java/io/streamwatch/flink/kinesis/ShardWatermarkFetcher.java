package io.streamwatch.flink.kinesis;

import java.util.List;
import java.util.Map;
import java.util.Properties;

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
import org.apache.flink.streaming.connectors.kinesis.model.SequenceNumber;
import org.apache.flink.streaming.connectors.kinesis.model.StreamShardHandle;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.table.data.RowData;

import io.streamwatch.flink.event.EventRows;
import io.streamwatch.flink.time.EventTimeClock;

/**
 * The connector's fetcher with the watermark logic of DESIGN §4 instead of its own: per shard,
 * moved by valid events only, minimum over shards that are not idle ({@link ShardClocks}).
 *
 * <p>The connector's built-in per-shard watermarks (setPeriodicWatermarkAssigner) leave out a
 * shard that has not emitted a record yet, and call a shard idle after an interval without
 * records even while it still holds unread ones; both turn the on-time events of a shard read
 * behind the others into late ones. Here a shard holds the watermark back until it delivers, and
 * is idle only once caught up with the stream. The newest event time of each shard is kept in
 * the checkpoint and the restored watermark is emitted before the first record after a restore,
 * so a restart judges lateness as the run before it did.
 */
final class ShardWatermarkFetcher extends KinesisDataFetcher<RowData> {

    private final SourceFunction.SourceContext<RowData> sourceContext;
    private final Object lock;
    private final ProcessingTimeService timers;
    private final long intervalMillis;
    private final ShardClocks clocks;
    private final Map<String, Long> restored;
    private long emitted = EventTimeClock.NONE;
    private boolean idle;
    private volatile boolean stopped;

    ShardWatermarkFetcher(
            List<String> streams,
            SourceFunction.SourceContext<RowData> sourceContext,
            RuntimeContext runtimeContext,
            Properties configProps,
            KinesisDeserializationSchema<RowData> deserializationSchema,
            KinesisShardAssigner shardAssigner,
            ShardClocks clocks,
            Map<String, Long> restored) {
        super(streams, sourceContext, runtimeContext, configProps, deserializationSchema, shardAssigner, null, null);
        this.sourceContext = sourceContext;
        this.lock = sourceContext.getCheckpointLock();
        this.timers = ((StreamingRuntimeContext) runtimeContext).getProcessingTimeService();
        this.intervalMillis = Math.max(1, runtimeContext.getExecutionConfig().getAutoWatermarkInterval());
        this.clocks = clocks;
        this.restored = restored;
    }

    static String shardKey(StreamShardHandle shard) {
        return shard.getStreamName() + "/" + shard.getShard().getShardId();
    }

    @Override
    public int registerNewSubscribedShardState(KinesisStreamShardState state) {
        synchronized (lock) {
            int index = super.registerNewSubscribedShardState(state);
            String key = shardKey(state.getStreamShardHandle());
            clocks.register(index, key, restored.get(key), System.currentTimeMillis());
            return index;
        }
    }

    @Override
    public void runFetcher() throws Exception {
        synchronized (lock) {
            emitWatermark(false); // a restored watermark goes out before the first record
        }
        scheduleWatermarkTimer();
        super.runFetcher();
    }

    @Override
    public void shutdownFetcher() {
        stopped = true;
        super.shutdownFetcher();
    }

    @Override
    protected void emitRecordAndUpdateState(
            RowData record, long recordTimestamp, int shardStateIndex, SequenceNumber lastSequenceNumber) {
        synchronized (lock) {
            super.emitRecordAndUpdateState(record, recordTimestamp, shardStateIndex, lastSequenceNumber);
            idle = false;
            long eventTime = record == null ? Long.MIN_VALUE : EventRows.eventTimeMillis(record);
            if (eventTime != Long.MIN_VALUE
                    && clocks.onValidEvent(shardStateIndex, eventTime, System.currentTimeMillis())) {
                emitWatermark(true);
            }
        }
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

    /** The newest valid event time per shard key, for the checkpoint. */
    Map<String, Long> eventTimeSnapshot() {
        synchronized (lock) {
            return clocks.snapshot();
        }
    }

    /**
     * Emits the subtask's watermark when it moved: always on the periodic timer, and from the
     * record path ({@code eager}) once it moved by more than the watermark interval, as Flink
     * SQL's own assigner does. Marks the subtask idle when every shard is.
     */
    private void emitWatermark(boolean eager) {
        if (stopped) {
            return; // stopping: above all, do not mark the source idle again (see prepareForStop)
        }
        long watermark = clocks.watermark(System.currentTimeMillis());
        if (watermark == ShardClocks.ALL_IDLE) {
            if (!idle) {
                sourceContext.markAsTemporarilyIdle();
                idle = true;
            }
            return;
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

    private void scheduleWatermarkTimer() {
        timers.registerTimer(timers.getCurrentProcessingTime() + intervalMillis, timestamp -> {
            synchronized (lock) {
                emitWatermark(false);
            }
            if (!stopped) {
                scheduleWatermarkTimer();
            }
        });
    }

    /** The shard consumer's metrics, also telling the clocks how far behind the shard is read. */
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

        @Override
        public void unregister() {
            super.unregister();
            synchronized (lock) {
                clocks.onShardEnded(index);
            }
        }
    }
}
