package io.streamwatch.flink.event;

/**
 * One record after validation: the record as received, when it arrived, and either the typed
 * fields of a valid event (with its event time) or the first rule of the contract it breaks.
 */
public final class EventRecord {

    /** The record as received; for a valid event, line breaks (JSON whitespace) are spaces. */
    public String record;
    public long receivedAtMillis;
    /** Null for a valid event; otherwise the DLQ reason. */
    public String rejectReason;

    // The fields below are set for a valid event only.
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
    public int schemaVersion;

    public boolean isValid() {
        return rejectReason == null;
    }
}
