package io.streamwatch.flink.cloudwatch;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * How a row of the sink's table becomes a metric point: its timestamp column, its value column,
 * dimensions from columns (a NULL column leaves its dimension out, which is how one table carries
 * a total and its breakdown, e.g. from GROUPING SETS) and static dimensions.
 */
final class MetricRows implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int timestampIndex;
    private final int valueIndex;
    private final LogicalTypeRoot valueType;
    private final int[] dimensionIndexes;
    private final String[] dimensionNames;
    private final Map<String, String> staticDimensions;

    MetricRows(int timestampIndex, int valueIndex, LogicalType valueType, int[] dimensionIndexes,
               String[] dimensionNames, Map<String, String> staticDimensions) {
        this.timestampIndex = timestampIndex;
        this.valueIndex = valueIndex;
        this.valueType = valueType.getTypeRoot();
        this.dimensionIndexes = dimensionIndexes;
        this.dimensionNames = dimensionNames;
        this.staticDimensions = new LinkedHashMap<>(staticDimensions);
    }

    /** The point of a row, or null when its timestamp or value is NULL. */
    MetricPoint toPoint(RowData row) {
        if (row.isNullAt(timestampIndex) || row.isNullAt(valueIndex)) {
            return null;
        }
        Map<String, String> dimensions = new LinkedHashMap<>(staticDimensions);
        for (int i = 0; i < dimensionIndexes.length; i++) {
            if (!row.isNullAt(dimensionIndexes[i])) {
                dimensions.put(dimensionNames[i], row.getString(dimensionIndexes[i]).toString());
            }
        }
        long timestamp = row.getTimestamp(timestampIndex, 3).getMillisecond();
        return new MetricPoint(timestamp, value(row), dimensions);
    }

    private double value(RowData row) {
        switch (valueType) {
            case TINYINT: return row.getByte(valueIndex);
            case SMALLINT: return row.getShort(valueIndex);
            case INTEGER: return row.getInt(valueIndex);
            case BIGINT: return row.getLong(valueIndex);
            case FLOAT: return row.getFloat(valueIndex);
            case DOUBLE: return row.getDouble(valueIndex);
            default: throw new IllegalStateException("unsupported value type " + valueType);
        }
    }

    static final List<LogicalTypeRoot> VALUE_TYPES = List.of(LogicalTypeRoot.TINYINT, LogicalTypeRoot.SMALLINT,
            LogicalTypeRoot.INTEGER, LogicalTypeRoot.BIGINT, LogicalTypeRoot.FLOAT, LogicalTypeRoot.DOUBLE);
}
