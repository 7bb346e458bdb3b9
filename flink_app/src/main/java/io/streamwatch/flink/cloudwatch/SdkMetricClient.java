package io.streamwatch.flink.cloudwatch;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * PutMetricData through the AWS SDK for Java v2. Credentials come from the default chain (the
 * application's role on Managed Flink), or are given for a local endpoint. The SDK's own retries
 * are off: {@link MetricPublisher} retries, with its own budget.
 */
final class SdkMetricClient implements MetricClient {

    private final CloudWatchClient client;

    SdkMetricClient(String region, String endpoint, String accessKeyId, String secretAccessKey) {
        CloudWatchClientBuilder builder = CloudWatchClient.builder()
                .region(Region.of(region))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(override -> override.retryPolicy(retry -> retry.numRetries(0)));
        if (endpoint != null && !endpoint.isEmpty()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        if (accessKeyId != null && !accessKeyId.isEmpty()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.create());
        }
        this.client = builder.build();
    }

    @Override
    public void put(String namespace, String metricName, String unit, List<MetricPoint> points)
            throws MetricSendException {
        List<MetricDatum> data = new ArrayList<>(points.size());
        for (MetricPoint point : points) {
            List<Dimension> dimensions = new ArrayList<>();
            for (Map.Entry<String, String> dimension : point.dimensions.entrySet()) {
                dimensions.add(Dimension.builder().name(dimension.getKey()).value(dimension.getValue()).build());
            }
            data.add(MetricDatum.builder()
                    .metricName(metricName)
                    .timestamp(Instant.ofEpochMilli(point.timestampMillis))
                    .value(point.value)
                    .unit(StandardUnit.fromValue(unit))
                    .dimensions(dimensions)
                    .storageResolution(60)
                    .build());
        }
        try {
            client.putMetricData(PutMetricDataRequest.builder().namespace(namespace).metricData(data).build());
        } catch (SdkServiceException error) {
            boolean retryable = error.isThrottlingException() || error.statusCode() >= 500;
            throw new MetricSendException(error.getMessage(), retryable, error);
        } catch (SdkClientException error) { // network: no answer at all
            throw new MetricSendException(error.getMessage(), true, error);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
