package io.streamwatch.flink.cloudwatch;

import java.io.Serializable;

/** The connection and batching settings of the sink (see {@link CloudWatchMetricsTableFactory}). */
final class CloudWatchMetricsSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    final String namespace;
    final String metricName;
    final String unit;
    final String region;
    final String endpoint;
    final String accessKeyId;
    final String secretAccessKey;
    final int queueCapacity;
    final long lingerMillis;
    final int maxAttempts;
    final long backoffMillis;
    final long endOfInputTimeoutMillis;

    CloudWatchMetricsSettings(String namespace, String metricName, String unit, String region, String endpoint,
                              String accessKeyId, String secretAccessKey, int queueCapacity, long lingerMillis,
                              int maxAttempts, long backoffMillis, long endOfInputTimeoutMillis) {
        this.namespace = namespace;
        this.metricName = metricName;
        this.unit = unit;
        this.region = region;
        this.endpoint = endpoint;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.queueCapacity = queueCapacity;
        this.lingerMillis = lingerMillis;
        this.maxAttempts = maxAttempts;
        this.backoffMillis = backoffMillis;
        this.endOfInputTimeoutMillis = endOfInputTimeoutMillis;
    }
}
