package io.streamwatch.flink;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.data.RowData;

import io.streamwatch.flink.event.EventRows;
import io.streamwatch.flink.kinesis.EventDeserializer;
import io.streamwatch.flink.kinesis.ShardAwareKinesisConsumer;
import io.streamwatch.flink.replay.ReplayFormat;
import io.streamwatch.flink.replay.ReplayLines;
import io.streamwatch.flink.time.ValidEventWatermarks;

/**
 * The job's source, registered as a view for the SQL of {@code flink_app/sql}: every record of a
 * Kinesis stream or of a replayed JSONL file, validated once (columns: {@link EventRows}), with
 * event-time watermarks that only valid events move — per shard on Kinesis.
 *
 * <p>Called from Python ({@code flink_app/job.py}) with string options:
 * <pre>
 * source.type                     kinesis | file
 * stream.name                     kinesis: the stream to read
 * input.path                      file: the file to replay
 * replay.format                   file: jsonl (records as sent) or raw-zone (a staged raw zone)
 * watermark.out-of-orderness.ms   allowed out-of-orderness
 * source.idle-timeout.ms          kinesis: a caught-up shard without events for this long is idle
 * source.alignment.max-drift.ms   kinesis: a shard this far ahead of the job's event time waits (0: never)
 * source.sync.interval.ms         kinesis: how often the source subtasks exchange their event time
 * max-future-skew.ms              how far event time may be ahead of arrival
 * kinesis.*                       the consumer's properties (aws.region, flink.stream.initpos, …)
 * </pre>
 */
public final class EventSource {

    /** The Kinesis source's operator id: its checkpointed shard positions are found by it. */
    public static final String KINESIS_SOURCE_UID = "streamwatch-kinesis-source";
    public static final String REPLAY_SOURCE_UID = "streamwatch-replay-source";

    private EventSource() {}

    public static void createTemporaryView(
            StreamTableEnvironment tableEnv, StreamExecutionEnvironment env, String viewName, Map<String, String> options) {
        DataStream<RowData> events;
        String type = required(options, "source.type");
        long outOfOrderness = number(options, "watermark.out-of-orderness.ms");
        long maxFutureSkew = number(options, "max-future-skew.ms");
        if (type.equals("kinesis")) {
            events = kinesis(env, options, outOfOrderness, maxFutureSkew);
        } else if (type.equals("file")) {
            events = replay(env, required(options, "input.path"), ReplayFormat.of(required(options, "replay.format")),
                    outOfOrderness, maxFutureSkew);
        } else {
            throw new IllegalArgumentException("source.type must be kinesis or file, got " + type);
        }
        tableEnv.createTemporaryView(viewName, tableEnv.fromDataStream(events, EventRows.schema()));
    }

    private static DataStream<RowData> kinesis(
            StreamExecutionEnvironment env, Map<String, String> options, long outOfOrderness, long maxFutureSkew) {
        String stream = required(options, "stream.name");
        Properties consumerProperties = new Properties();
        options.forEach((key, value) -> {
            if (key.startsWith("kinesis.")) {
                consumerProperties.setProperty(key.substring("kinesis.".length()), value);
            }
        });
        ShardAwareKinesisConsumer consumer = new ShardAwareKinesisConsumer(
                stream, new EventDeserializer(maxFutureSkew), consumerProperties, outOfOrderness,
                number(options, "source.idle-timeout.ms"), number(options, "source.alignment.max-drift.ms"),
                number(options, "source.sync.interval.ms"));
        return env.addSource(consumer, "Kinesis " + stream, EventRows.typeInfo()).uid(KINESIS_SOURCE_UID);
    }

    private static DataStream<RowData> replay(
            StreamExecutionEnvironment env, String path, ReplayFormat format, long outOfOrderness, long maxFutureSkew) {
        FileSource<String> lines = FileSource
                .forRecordStreamFormat(new TextLineInputFormat(StandardCharsets.UTF_8.name()), new Path(path))
                .build();
        long eagerStep = env.getConfig().getAutoWatermarkInterval();
        // One reader, whatever the job's parallelism: the records arrive in file order (so a replay
        // is deterministic), and no instance of the chain finishes before the others. A finished
        // instance next to running ones would fail every checkpoint, because the file sinks chained
        // here keep union list state (Flink's PartialFinishingNotSupportedByStateException).
        return env.fromSource(lines, WatermarkStrategy.noWatermarks(), "Replay " + path)
                .setParallelism(1)
                .uid(REPLAY_SOURCE_UID)
                .flatMap(new ReplayLines(format, maxFutureSkew), EventRows.typeInfo())
                .setParallelism(1)
                .uid(REPLAY_SOURCE_UID + "-lines")
                .name("Validate events")
                .assignTimestampsAndWatermarks(WatermarkStrategy.<RowData>forGenerator(
                        context -> new ValidEventWatermarks(outOfOrderness, eagerStep)))
                .setParallelism(1)
                .name("Watermarks of valid events");
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("event source option '" + key + "' is required");
        }
        return value;
    }

    private static long number(Map<String, String> options, String key) {
        try {
            return Long.parseLong(required(options, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("event source option '" + key + "' must be an integer, got " + options.get(key));
        }
    }
}
