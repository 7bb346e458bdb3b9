package io.streamwatch.flink.event;

/**
 * One record after validation: the record as received, when it arrived, and either the typed
 * fields of a valid event (with its event time) or the first rule of the contract it breaks.
 */
public final class EventRecord {

    /** The record exactly as received: its UTF-8 bytes (from Kinesis) or its text (a replayed line). */
    public byte[] recordBytes;
    public String recordText;
    /** When it arrived (Kinesis: its approximate arrival timestamp; a plain replay: when it was read). */
    public long arrivalMillis;
    /** Null for a valid event; otherwise the DLQ reason. */
    public String rejectReason;

    // The fields below are set for a valid event only.
    /** event_ts, corrected by the device's clock offset (arrival − sent_at) when the source allows it. */
    public long eventTimeMillis;
    public String eventId;
    public String eventType;
    public String eventTs;
    public String userId;
    public String deviceId;
    public String deviceType;
    public String country;
    public String titleId;
    public Long positionMs;
    public String searchQuery;
    public String appVersion;
    public String sentAt;
    public int schemaVersion;

    public boolean isValid() {
        return rejectReason == null;
    }
}
