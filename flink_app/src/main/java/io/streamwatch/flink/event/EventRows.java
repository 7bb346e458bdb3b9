package io.streamwatch.flink.event;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The row every source record becomes, in Flink's internal format (no conversion on the way into
 * the Table API). Column names are what {@code flink_app/sql/*.sql} reads from {@code events_source}.
 *
 * <pre>
 * record           STRING        the record exactly as received
 * arrival          TIMESTAMP(3)  when it arrived, UTC (Kinesis: its approximate arrival timestamp;
 *                                a replay of the raw zone: the stored one; a plain replay: when read)
 * event_time       TIMESTAMP(3)  the event time of a valid event (event_ts corrected by sent_at);
 *                                NULL when the record is rejected
 * reject_reason    STRING        NULL for a valid event, else the first contract rule it breaks
 * event_id … schema_version      the contract fields of a valid event (NULL when rejected)
 * sent_at          STRING        the contract's optional sent_at, as written
 * shard_id         STRING        the Kinesis shard it came from (NULL in a plain replay)
 * sequence_number  STRING        its Kinesis sequence number (NULL in a plain replay)
 * arrival_seq      STRING        arrival order within the key's shard: the Kinesis sequence
 *                                number, or the record's number in a replay (decimal; shorter is earlier)
 * </pre>
 */
public final class EventRows {

    public static final int RECORD = 0;
    public static final int ARRIVAL = 1;
    public static final int EVENT_TIME = 2;
    public static final int REJECT_REASON = 3;
    public static final int SENT_AT = 16;
    public static final int SHARD_ID = 17;
    public static final int SEQUENCE_NUMBER = 18;
    public static final int ARRIVAL_SEQ = 19;
    private static final int ARITY = 20;

    public static final DataType DATA_TYPE =
            DataTypes.ROW(
                    DataTypes.FIELD("record", DataTypes.STRING().notNull()),
                    DataTypes.FIELD("arrival", DataTypes.TIMESTAMP(3).notNull()),
                    DataTypes.FIELD("event_time", DataTypes.TIMESTAMP(3)),
                    DataTypes.FIELD("reject_reason", DataTypes.STRING()),
                    DataTypes.FIELD("event_id", DataTypes.STRING()),
                    DataTypes.FIELD("event_type", DataTypes.STRING()),
                    DataTypes.FIELD("event_ts", DataTypes.STRING()),
                    DataTypes.FIELD("user_id", DataTypes.STRING()),
                    DataTypes.FIELD("device_id", DataTypes.STRING()),
                    DataTypes.FIELD("device_type", DataTypes.STRING()),
                    DataTypes.FIELD("country", DataTypes.STRING()),
                    DataTypes.FIELD("title_id", DataTypes.STRING()),
                    DataTypes.FIELD("position_ms", DataTypes.BIGINT()),
                    DataTypes.FIELD("search_query", DataTypes.STRING()),
                    DataTypes.FIELD("app_version", DataTypes.STRING()),
                    DataTypes.FIELD("schema_version", DataTypes.INT()),
                    DataTypes.FIELD("sent_at", DataTypes.STRING()),
                    DataTypes.FIELD("shard_id", DataTypes.STRING()),
                    DataTypes.FIELD("sequence_number", DataTypes.STRING()),
                    DataTypes.FIELD("arrival_seq", DataTypes.STRING().notNull()));

    public static final RowType ROW_TYPE = (RowType) DATA_TYPE.getLogicalType();

    private EventRows() {}

    public static InternalTypeInfo<RowData> typeInfo() {
        return InternalTypeInfo.of(ROW_TYPE);
    }

    /**
     * The table schema of the stream: its physical columns, and {@code event_time} as the
     * event-time attribute whose watermarks come from the source itself (per shard on Kinesis,
     * valid events only).
     */
    public static Schema schema() {
        return Schema.newBuilder()
                .fromRowDataType(DATA_TYPE)
                .watermark("event_time", "SOURCE_WATERMARK()")
                .build();
    }

    /** The row of a validated record; {@code shardId} and {@code sequenceNumber} may be null. */
    public static RowData toRow(EventRecord event, String shardId, String sequenceNumber, String arrivalSeq) {
        GenericRowData row = new GenericRowData(ARITY);
        row.setField(RECORD, event.recordBytes != null
                ? StringData.fromBytes(event.recordBytes) : StringData.fromString(event.recordText));
        row.setField(ARRIVAL, TimestampData.fromEpochMillis(event.arrivalMillis));
        row.setField(SHARD_ID, StringData.fromString(shardId));
        row.setField(SEQUENCE_NUMBER, StringData.fromString(sequenceNumber));
        row.setField(ARRIVAL_SEQ, StringData.fromString(arrivalSeq));
        if (!event.isValid()) {
            row.setField(REJECT_REASON, StringData.fromString(event.rejectReason));
            return row;
        }
        row.setField(EVENT_TIME, TimestampData.fromEpochMillis(event.eventTimeMillis));
        row.setField(4, StringData.fromString(event.eventId));
        row.setField(5, StringData.fromString(event.eventType));
        row.setField(6, StringData.fromString(event.eventTs));
        row.setField(7, StringData.fromString(event.userId));
        row.setField(8, StringData.fromString(event.deviceId));
        row.setField(9, StringData.fromString(event.deviceType));
        row.setField(10, StringData.fromString(event.country));
        row.setField(11, StringData.fromString(event.titleId));
        row.setField(12, event.positionMs);
        row.setField(13, StringData.fromString(event.searchQuery));
        row.setField(14, StringData.fromString(event.appVersion));
        row.setField(15, event.schemaVersion);
        row.setField(SENT_AT, StringData.fromString(event.sentAt));
        return row;
    }

    /**
     * How far a valid record moves its input's clock: its event time, but never past its own
     * arrival (DESIGN §4: a device clock ahead of the world does not move event time for others).
     * {@link Long#MIN_VALUE} for a rejected record.
     */
    public static long clockMillis(RowData row) {
        if (row.isNullAt(EVENT_TIME)) {
            return Long.MIN_VALUE;
        }
        return Math.min(row.getTimestamp(EVENT_TIME, 3).getMillisecond(), row.getTimestamp(ARRIVAL, 3).getMillisecond());
    }
}
