package io.streamwatch.flink.replay;

import java.io.IOException;
import java.util.List;

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
 * One line of a replay validated into an event row; blank lines are not records. Two kinds of
 * input ({@link ReplayFormat}): a plain JSONL file, whose records arrive when they are read and
 * keep their {@code event_ts} as event time (it has no arrival to correct a device clock by); or
 * a staged raw zone, whose lines carry each record's stored arrival, shard and sequence number, so
 * that every record is judged as it was live. A record's arrival sequence is its number among the
 * records read (checkpointed, so a resumed replay goes on counting). Runs as one instance.
 */
public final class ReplayLines extends RichFlatMapFunction<String, RowData> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final ReplayFormat format;
    private final long maxFutureSkewMillis;
    private transient EventParser parser;
    private transient StagedLine staged;
    private transient long records;
    private transient ListState<Long> recordsState;

    public ReplayLines(ReplayFormat format, long maxFutureSkewMillis) {
        this.format = format;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public void flatMap(String line, Collector<RowData> out) throws IOException {
        if (line.trim().isEmpty()) {
            return;
        }
        if (parser == null) {
            parser = new EventParser(maxFutureSkewMillis);
            staged = new StagedLine();
        }
        records++;
        String number = Long.toString(records);
        if (format == ReplayFormat.JSONL) {
            out.collect(EventRows.toRow(parser.parse(line, System.currentTimeMillis(), false), null, null, number));
            return;
        }
        staged.read(line, records);
        // a record that came from Kinesis had a real arrival: its device clock is corrected as it was live
        boolean correctsClock = staged.shardId != null;
        out.collect(EventRows.toRow(parser.parse(staged.record, staged.arrivalMillis, correctsClock),
                staged.shardId, staged.sequenceNumber, number));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        recordsState.update(List.of(records));
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
