package io.streamwatch.flink.kinesis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer;
import org.apache.flink.streaming.connectors.kinesis.internals.KinesisDataFetcher;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;
import org.apache.flink.table.data.RowData;

/**
 * {@link FlinkKinesisConsumer} (which checkpoints each shard's sequence number) whose watermarks
 * are per shard, moved by valid events only, and survive a restore: see
 * {@link ShardWatermarkFetcher}. The newest event time of every shard is kept in union list state,
 * so shards can move between subtasks when the parallelism changes.
 */
public final class ShardAwareKinesisConsumer extends FlinkKinesisConsumer<RowData> {

    private static final long serialVersionUID = 1L;
    private static final String EVENT_TIME_STATE = "streamwatch-shard-event-time";

    private final long outOfOrdernessMillis;
    private final long idleTimeoutMillis;

    private transient ListState<Tuple2<String, Long>> eventTimeState;
    private transient Map<String, Long> restored;
    private transient volatile ShardWatermarkFetcher fetcher;

    public ShardAwareKinesisConsumer(
            String stream,
            KinesisDeserializationSchema<RowData> deserializer,
            Properties configProps,
            long outOfOrdernessMillis,
            long idleTimeoutMillis) {
        super(stream, deserializer, configProps);
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    @Override
    protected KinesisDataFetcher<RowData> createFetcher(
            List<String> streams,
            SourceFunction.SourceContext<RowData> sourceContext,
            RuntimeContext runtimeContext,
            Properties configProps,
            KinesisDeserializationSchema<RowData> deserializationSchema) {
        ShardWatermarkFetcher created = new ShardWatermarkFetcher(
                streams, sourceContext, runtimeContext, configProps, deserializationSchema,
                getShardAssigner(), new ShardClocks(outOfOrdernessMillis, idleTimeoutMillis),
                restored == null ? new HashMap<>() : restored);
        fetcher = created;
        return created;
    }

    /** Called when the job stops (a stop with savepoint among them): see prepareForStop. */
    @Override
    public void cancel() {
        ShardWatermarkFetcher current = fetcher;
        if (current != null) {
            current.prepareForStop();
        }
        super.cancel();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        super.initializeState(context);
        eventTimeState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(EVENT_TIME_STATE, Types.TUPLE(Types.STRING, Types.LONG)));
        restored = new HashMap<>();
        if (context.isRestored()) {
            for (Tuple2<String, Long> entry : eventTimeState.get()) {
                restored.merge(entry.f0, entry.f1, Math::max);
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        super.snapshotState(context);
        ShardWatermarkFetcher current = fetcher;
        // Restored entries are kept too (a shard may not be registered yet); event times only
        // grow, so the maximum taken on restore is right whichever subtask wrote an entry.
        Map<String, Long> eventTimes = new HashMap<>(restored);
        if (current != null) {
            eventTimes.putAll(current.eventTimeSnapshot());
        }
        eventTimeState.clear();
        for (Map.Entry<String, Long> entry : eventTimes.entrySet()) {
            eventTimeState.add(Tuple2.of(entry.getKey(), entry.getValue()));
        }
    }
}
