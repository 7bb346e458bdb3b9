package io.streamwatch.flink.cloudwatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes metric points from a background thread, so the job never waits for CloudWatch: a
 * bounded queue (a full queue drops the newest point and counts it), PutMetricData requests of at
 * most {@link #MAX_POINTS_PER_REQUEST} points and about {@link #MAX_REQUEST_BYTES} bytes (the
 * API's limits are 1,000 points and 1 MB), each retried on throttling, server errors and network
 * errors with exponential backoff and full jitter, and given up (and counted) after
 * {@code maxAttempts}. Metrics are best-effort by design: they are an alarm's input, the lake is the
 * record.
 */
final class MetricPublisher implements AutoCloseable {

    static final int MAX_POINTS_PER_REQUEST = 1000;
    static final int MAX_REQUEST_BYTES = 900_000;
    private static final Logger LOG = LoggerFactory.getLogger(MetricPublisher.class);

    private final MetricClient client;
    private final String namespace;
    private final String metricName;
    private final String unit;
    private final BlockingQueue<MetricPoint> queue;
    private final long lingerMillis;
    private final int maxAttempts;
    private final long backoffMillis;
    private final Thread sender;
    private volatile boolean closing;
    private final AtomicLong inFlight = new AtomicLong();

    final AtomicLong sent = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong failedRequests = new AtomicLong();

    MetricPublisher(MetricClient client, String namespace, String metricName, String unit, int queueCapacity,
                    long lingerMillis, int maxAttempts, long backoffMillis) {
        this.client = client;
        this.namespace = namespace;
        this.metricName = metricName;
        this.unit = unit;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.lingerMillis = lingerMillis;
        this.maxAttempts = maxAttempts;
        this.backoffMillis = backoffMillis;
        this.sender = new Thread(this::run, "cloudwatch-metrics-" + metricName);
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /** Queues a point; never blocks. */
    void publish(MetricPoint point) {
        if (!queue.offer(point)) {
            if (dropped.incrementAndGet() % 1000 == 1) {
                LOG.warn("CloudWatch metric queue full ({} points): dropped {} points of {} so far",
                        queue.size(), dropped.get(), metricName);
            }
        }
    }

    /** Waits until every queued point is sent or given up, at most {@code timeoutMillis}. */
    boolean drain(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!queue.isEmpty() || inFlight.get() > 0) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void run() {
        List<MetricPoint> batch = new ArrayList<>();
        while (!closing || !queue.isEmpty()) {
            try {
                MetricPoint first = queue.poll(lingerMillis, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                inFlight.incrementAndGet();
                try {
                    batch.clear();
                    batch.add(first);
                    int bytes = first.approximateBytes(metricName);
                    MetricPoint next;
                    while (batch.size() < MAX_POINTS_PER_REQUEST && (next = queue.peek()) != null
                            && bytes + next.approximateBytes(metricName) <= MAX_REQUEST_BYTES) {
                        batch.add(queue.poll());
                        bytes += next.approximateBytes(metricName);
                    }
                    send(new ArrayList<>(batch));
                } finally {
                    inFlight.decrementAndGet();
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void send(List<MetricPoint> points) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                client.put(namespace, metricName, unit, points);
                sent.addAndGet(points.size());
                return;
            } catch (MetricClient.MetricSendException error) {
                if (!error.retryable || attempt >= maxAttempts) {
                    failedRequests.incrementAndGet();
                    LOG.warn("giving up on {} points of CloudWatch metric {} after {} attempt(s): {}",
                            points.size(), metricName, attempt, error.getMessage());
                    return;
                }
                long ceiling = backoffMillis << Math.min(attempt - 1, 10);
                Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            sender.join(30_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
