package io.streamwatch.flink.replay;

import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;

import io.streamwatch.flink.event.EventParser;
import io.streamwatch.flink.event.EventRows;

/**
 * One line of a replayed JSONL file validated into an event row; blank lines are not records.
 * A replayed record arrives when it is read.
 */
public final class ReplayLines extends RichFlatMapFunction<String, RowData> {

    private static final long serialVersionUID = 1L;

    private final long maxFutureSkewMillis;
    private transient EventParser parser;

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
        out.collect(EventRows.toRow(parser.parse(line, System.currentTimeMillis())));
    }
}
