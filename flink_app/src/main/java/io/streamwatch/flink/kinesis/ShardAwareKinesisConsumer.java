package io.streamwatch.flink.kinesis;

import java.util.Collections;
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
import org.apache.flink.streaming.connectors.kinesis.util.UniformShardAssigner;
import org.apache.flink.table.data.RowData;

/**
 * {@link FlinkKinesisConsumer} (which checkpoints each shard's sequence number) whose event time
 * is per shard, moved by valid records only, kept in step across subtasks and survives a restore:
 * see {@link ShardWatermarkFetcher}. Shards are spread over the subtasks by their hash-key ranges
 * ({@link UniformShardAssigner}), not by a hash of their ids, which can put several shards on one
 * subtask while another has none.
 *
 * <p>The clock of each shard still being read is kept in union list state, written by the
 * subtask that reads it, so shards can move between subtasks when the parallelism changes; a
 * shard read to its end is left out (it is not read again).
 */
public final class ShardAwareKinesisConsumer extends FlinkKinesisConsumer<RowData> {

    private static final long serialVersionUID = 1L;
    private static final String CLOCK_STATE = "streamwatch-shard-event-time";

    private final long outOfOrdernessMillis;
    private final long idleTimeoutMillis;
    private final long maxDriftMillis;
    private final long syncIntervalMillis;

    private transient ListState<Tuple2<String, Long>> clockState;
    private transient Map<String, Long> restored;
    private transient volatile ShardWatermarkFetcher fetcher;

    public ShardAwareKinesisConsumer(
            String stream,
            KinesisDeserializationSchema<RowData> deserializer,
            Properties configProps,
            long outOfOrdernessMillis,
            long idleTimeoutMillis,
            long maxDriftMillis,
            long syncIntervalMillis) {
        super(stream, deserializer, configProps);
        this.outOfOrdernessMillis = outOfOrdernessMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.maxDriftMillis = maxDriftMillis;
        this.syncIntervalMillis = syncIntervalMillis;
        setShardAssigner(new UniformShardAssigner());
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
                restored == null ? Collections.emptyMap() : restored, maxDriftMillis, syncIntervalMillis);
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
        clockState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(CLOCK_STATE, Types.TUPLE(Types.STRING, Types.LONG)));
        restored = new HashMap<>();
        if (context.isRestored()) {
            for (Tuple2<String, Long> entry : clockState.get()) {
                restored.merge(entry.f0, entry.f1, Math::max);
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        super.snapshotState(context);
        ShardWatermarkFetcher current = fetcher;
        Map<String, Long> clocks;
        if (current != null && current.isStarted()) {
            clocks = current.clockSnapshot(); // the shards this subtask reads, no others
        } else {
            // not reading yet: the restored clocks go on, written once (the union gives them to all)
            clocks = getRuntimeContext().getIndexOfThisSubtask() == 0 && restored != null
                    ? restored : Collections.emptyMap();
        }
        clockState.clear();
        for (Map.Entry<String, Long> entry : clocks.entrySet()) {
            clockState.add(Tuple2.of(entry.getKey(), entry.getValue()));
        }
    }
}
