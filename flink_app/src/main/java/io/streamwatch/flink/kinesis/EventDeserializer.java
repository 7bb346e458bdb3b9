package io.streamwatch.flink.kinesis;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;
import org.apache.flink.table.data.RowData;

import io.streamwatch.flink.event.EventParser;
import io.streamwatch.flink.event.EventRows;

/**
 * A Kinesis record (UTF-8 JSON bytes) validated into an event row, parsed from its bytes (no
 * decoding to a String and back). Its arrival is the record's approximate arrival timestamp, which
 * corrects the device's clock (sent_at) and judges "in the future", the same way every time the
 * stream is read. The connector clones this schema per shard, so each shard's thread has its own
 * parser.
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
        return EventRows.toRow(parser.parse(recordValue, approxArrivalTimestamp, true), shardId, seqNum, seqNum);
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return EventRows.typeInfo();
    }
}
