package io.streamwatch.flink.cloudwatch;

import java.io.IOException;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.table.data.RowData;

/**
 * Writes each row as a CloudWatch metric point (PutMetricData), never blocking the job or its
 * checkpoints: see {@link MetricPublisher}. At the end of a bounded input it waits (a bounded
 * time) for what is queued to be sent.
 */
public final class CloudWatchMetricsSink implements Sink<RowData> {

    private static final long serialVersionUID = 1L;

    private final CloudWatchMetricsSettings settings;
    private final MetricRows rows;

    CloudWatchMetricsSink(CloudWatchMetricsSettings settings, MetricRows rows) {
        this.settings = settings;
        this.rows = rows;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<RowData> createWriter(InitContext context) throws IOException {
        MetricPublisher publisher = new MetricPublisher(
                new SdkMetricClient(settings.region, settings.endpoint, settings.accessKeyId, settings.secretAccessKey),
                settings.namespace, settings.metricName, settings.unit, settings.queueCapacity,
                settings.lingerMillis, settings.maxAttempts, settings.backoffMillis);
        context.metricGroup().gauge("cloudwatchPointsSent", publisher.sent::get);
        context.metricGroup().gauge("cloudwatchPointsDropped", publisher.dropped::get);
        context.metricGroup().gauge("cloudwatchFailedRequests", publisher.failedRequests::get);
        return new Writer(publisher, rows, settings.endOfInputTimeoutMillis);
    }

    private static final class Writer implements SinkWriter<RowData> {
        private final MetricPublisher publisher;
        private final MetricRows rows;
        private final long endOfInputTimeoutMillis;

        Writer(MetricPublisher publisher, MetricRows rows, long endOfInputTimeoutMillis) {
            this.publisher = publisher;
            this.rows = rows;
            this.endOfInputTimeoutMillis = endOfInputTimeoutMillis;
        }

        @Override
        public void write(RowData row, Context context) {
            MetricPoint point = rows.toPoint(row);
            if (point != null) {
                publisher.publish(point);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws InterruptedException {
            if (endOfInput) {
                publisher.drain(endOfInputTimeoutMillis); // a checkpoint never waits; the end of input does
            }
        }

        @Override
        public void close() {
            publisher.close();
        }
    }
}
