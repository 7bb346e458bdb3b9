package io.streamwatch.flink.plan;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeUtils;
import org.apache.flink.table.types.utils.TypeConversions;

/**
 * A view's rows through the DataStream API and back: out as Flink's internal rows, in again as a
 * view whose event-time attribute and watermarks are those the stream carries.
 */
public final class DataStreamViews {

    private DataStreamViews() {}

    /** The physical row type of {@code table} with plain TIMESTAMP columns instead of time attributes. */
    public static DataType rowType(Table table) {
        RowType type = (RowType) table.getResolvedSchema().toPhysicalRowDataType().getLogicalType();
        List<RowType.RowField> fields = new ArrayList<>();
        for (RowType.RowField field : type.getFields()) {
            fields.add(new RowType.RowField(field.getName(), LogicalTypeUtils.removeTimeAttributes(field.getType())));
        }
        return TypeConversions.fromLogicalToDataType(new RowType(type.isNullable(), fields)).bridgedTo(RowData.class);
    }

    /**
     * Registers {@code rows} (of {@code rowType}) as {@code view}, with {@code eventTimeColumn} as
     * its event-time attribute and the stream's own watermarks ({@code SOURCE_WATERMARK()}).
     */
    public static void register(
            StreamTableEnvironment tableEnv, String view, DataStream<RowData> rows, DataType rowType,
            String eventTimeColumn) {
        Schema schema = Schema.newBuilder()
                .fromRowDataType(rowType)
                .watermark(eventTimeColumn, "SOURCE_WATERMARK()")
                .build();
        tableEnv.createTemporaryView(view, tableEnv.fromDataStream(rows, schema));
    }

    /** Registers {@code rows} (of {@code rowType}) as {@code view}, without an event-time attribute. */
    public static void registerPlain(
            StreamTableEnvironment tableEnv, String view, DataStream<RowData> rows, DataType rowType) {
        Schema schema = Schema.newBuilder().fromRowDataType(rowType).build();
        tableEnv.createTemporaryView(view, tableEnv.fromDataStream(rows, schema));
    }
}
