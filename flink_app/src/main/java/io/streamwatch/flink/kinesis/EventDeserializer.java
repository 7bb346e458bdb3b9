package io.streamwatch.flink.kinesis;

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;
import org.apache.flink.table.data.RowData;

import io.streamwatch.flink.event.EventParser;
import io.streamwatch.flink.event.EventRows;

/**
 * A Kinesis record (UTF-8 JSON) validated into an event row. Its arrival time is the record's
 * approximate arrival timestamp, so a replay of the stream judges "event_ts in the future" the
 * same way every time. The connector clones this schema per shard, so each shard's thread has its
 * own parser.
 */
public final class EventDeserializer implements KinesisDeserializationSchema<RowData> {

    private static final long serialVersionUID = 1L;

    private final long maxFutureSkewMillis;
    private transient EventParser parser;

    public EventDeserializer(long maxFutureSkewMillis) {
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public RowData deserialize(
            byte[] recordValue, String partitionKey, String seqNum, long approxArrivalTimestamp,
            String stream, String shardId) {
        if (parser == null) {
            parser = new EventParser(maxFutureSkewMillis);
        }
        String record = new String(recordValue, StandardCharsets.UTF_8);
        return EventRows.toRow(parser.parse(record, approxArrivalTimestamp), seqNum);
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return EventRows.typeInfo();
    }
}
