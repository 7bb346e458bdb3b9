package io.streamwatch.flink.plan;

import java.time.Duration;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;

/**
 * Gives the stateful operators of one view their own state TTL. Flink SQL applies one TTL
 * ({@code table.exec.state.ttl}) to every operator of a plan; the per-operator hint only exists
 * for joins and group aggregations. But a plan is translated when it is turned into a DataStream:
 * so the view is translated here under its TTL, and its rows come back as a new view — in Flink's
 * internal format, with the same event-time attribute and watermarks — for the SQL after it, which
 * is translated later under the TTL set here for the rest of the job.
 */
public final class StateTtlBoundary {

    private StateTtlBoundary() {}

    /**
     * Translates {@code view} now with state TTL {@code ttl} and registers it as {@code asView};
     * operators translated after this call get {@code restTtl}. {@code eventTimeColumn} stays the
     * event-time attribute of {@code asView}.
     */
    public static void register(
            StreamTableEnvironment tableEnv, String view, String asView, String eventTimeColumn,
            Duration ttl, Duration restTtl) {
        tableEnv.getConfig().set(ExecutionConfigOptions.IDLE_STATE_RETENTION, ttl);
        Table table = tableEnv.from(view);
        DataType rowType = DataStreamViews.rowType(table);
        DataStream<RowData> rows = tableEnv.toDataStream(table, rowType);
        tableEnv.getConfig().set(ExecutionConfigOptions.IDLE_STATE_RETENTION, restTtl);
        DataStreamViews.register(tableEnv, asView, rows, rowType, eventTimeColumn);
    }
}
