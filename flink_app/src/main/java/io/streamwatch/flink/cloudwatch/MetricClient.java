package io.streamwatch.flink.cloudwatch;

import java.util.List;

/** Sends one PutMetricData request; the seam between the batching logic and the AWS SDK. */
public interface MetricClient extends AutoCloseable {

    /** Sends the points; throws {@link MetricSendException} saying whether a retry can help. */
    void put(String namespace, String metricName, String unit, List<MetricPoint> points) throws MetricSendException;

    @Override
    void close();

    /** A failed request. */
    final class MetricSendException extends Exception {
        private static final long serialVersionUID = 1L;
        public final boolean retryable;

        public MetricSendException(String message, boolean retryable, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
        }
    }
}
