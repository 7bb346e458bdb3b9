package io.streamwatch.flink.replay;

import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;

import io.streamwatch.flink.event.EventParser;
import io.streamwatch.flink.event.EventRows;

/**
 * One line of a replayed JSONL file validated into an event row; blank lines are not records.
 * A replayed record arrives when it is read; its arrival sequence is its number among the records
 * read (checkpointed, so a resumed replay goes on counting). Runs as one instance.
 */
public final class ReplayLines extends RichFlatMapFunction<String, RowData> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final long maxFutureSkewMillis;
    private transient EventParser parser;
    private transient long records;
    private transient ListState<Long> recordsState;

    public ReplayLines(long maxFutureSkewMillis) {
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public void flatMap(String line, Collector<RowData> out) {
        if (line.trim().isEmpty()) {
            return;
        }
        if (parser == null) {
            parser = new EventParser(maxFutureSkewMillis);
        }
        records++;
        out.collect(EventRows.toRow(parser.parse(line, System.currentTimeMillis()), Long.toString(records)));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        recordsState.update(java.util.List.of(records));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        recordsState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("records-read", Types.LONG));
        records = 0;
        for (Long value : recordsState.get()) {
            records = Math.max(records, value);
        }
    }
}
