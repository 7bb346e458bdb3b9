package io.streamwatch.flink.cloudwatch;

import java.io.Serializable;
import java.util.Map;

/** One value of a metric at a time, with its dimensions: what a table row becomes. */
public final class MetricPoint implements Serializable {

    private static final long serialVersionUID = 1L;

    public final long timestampMillis;
    public final double value;
    /** Dimension name to value, in a stable order. */
    public final Map<String, String> dimensions;

    public MetricPoint(long timestampMillis, double value, Map<String, String> dimensions) {
        this.timestampMillis = timestampMillis;
        this.value = value;
        this.dimensions = dimensions;
    }

    /** A rough upper bound of this point's share of a PutMetricData request body, in bytes. */
    int approximateBytes(String metricName) {
        int bytes = 160 + metricName.length();
        for (Map.Entry<String, String> dimension : dimensions.entrySet()) {
            bytes += 80 + dimension.getKey().length() + dimension.getValue().length();
        }
        return bytes;
    }
}
