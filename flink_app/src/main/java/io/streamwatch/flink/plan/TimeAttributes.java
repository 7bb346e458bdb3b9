package io.streamwatch.flink.plan;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeUtils;
import org.apache.flink.table.types.utils.TypeConversions;

/** Row types for a view's rows on their way through the DataStream API and back. */
public final class TimeAttributes {

    private TimeAttributes() {}

    /** The same row with plain TIMESTAMP columns instead of time attributes, as RowData. */
    public static DataType removed(DataType row) {
        RowType type = (RowType) row.getLogicalType();
        List<RowType.RowField> fields = new ArrayList<>();
        for (RowType.RowField field : type.getFields()) {
            fields.add(new RowType.RowField(field.getName(), LogicalTypeUtils.removeTimeAttributes(field.getType())));
        }
        return TypeConversions.fromLogicalToDataType(new RowType(type.isNullable(), fields)).bridgedTo(RowData.class);
    }
}
