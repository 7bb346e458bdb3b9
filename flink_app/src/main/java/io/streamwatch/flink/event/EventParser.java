package io.streamwatch.flink.event;

import java.io.IOException;
import java.io.Serializable;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonToken;

/**
 * Validates one record against the event contract (DESIGN §3) in a single streaming pass: no
 * JSON tree, no regular expression. A valid record yields its typed fields and event time; any
 * other yields the first rule it breaks, checked in this order: size, JSON, object, required
 * fields, types, schema_version, ranges and lengths, enums, country, event_ts, sent_at, event
 * time not too far in the future, then what playback and search events require. A JSON null
 * counts as absent; fields the contract does not know are ignored; of a repeated key the last
 * one counts.
 *
 * <p>Event time (DESIGN §3 "Event time and arrival"): {@code event_ts + (arrival − sent_at)} when
 * the record carries {@code sent_at} and its source knows when it arrived (Kinesis, or a replay of
 * the raw zone, which keeps each record's arrival) — the device's clock offset cancels out, as
 * Segment derives {@code timestamp} and Snowplow its {@code derived_tstamp}; else {@code event_ts}
 * as written (a plain JSONL replay, whose "arrival" is only when the line was read).
 *
 * <p>Not thread-safe (it reuses its field slots): one instance per parallel task.
 */
public final class EventParser implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    private static final String[] FIELDS = {
        "event_id", "event_type", "event_ts", "user_id", "device_id", "device_type", "country",
        "title_id", "position_ms", "search_query", "app_version", "schema_version", "sent_at"
    };
    private static final int EVENT_ID = 0;
    private static final int EVENT_TYPE = 1;
    private static final int EVENT_TS = 2;
    private static final int USER_ID = 3;
    private static final int DEVICE_ID = 4;
    private static final int DEVICE_TYPE = 5;
    private static final int COUNTRY = 6;
    private static final int TITLE_ID = 7;
    private static final int POSITION_MS = 8;
    private static final int SEARCH_QUERY = 9;
    private static final int APP_VERSION = 10;
    private static final int SCHEMA_VERSION = 11;
    private static final int SENT_AT = 12;
    /** Required for every event, in the order their absence is reported. */
    private static final int[] ALWAYS_REQUIRED = {
        EVENT_ID, EVENT_TYPE, EVENT_TS, USER_ID, DEVICE_ID, DEVICE_TYPE, COUNTRY, SCHEMA_VERSION
    };
    private static final int[] ALWAYS_STRINGS = {EVENT_ID, EVENT_TYPE, EVENT_TS, USER_ID, DEVICE_ID, DEVICE_TYPE, COUNTRY};

    // What a field's JSON value was.
    private static final byte ABSENT = 0;
    private static final byte STRING = 1;
    private static final byte INTEGER = 2; // an integer that fits a long
    private static final byte BIG_INTEGER = 3;
    private static final byte OTHER = 4; // float, boolean, object or array

    private final long maxFutureSkewMillis;
    private final String futureReason;

    private transient byte[] kinds;
    private transient String[] texts;
    private transient long[] integers;

    /** @param maxFutureSkewMillis how far event_ts may be ahead of the record's arrival */
    public EventParser(long maxFutureSkewMillis) {
        this.maxFutureSkewMillis = maxFutureSkewMillis;
        this.futureReason = "event_ts in the future: more than " + maxFutureSkewMillis + " ms ahead of its arrival";
    }

    /**
     * The record (a replayed line) that arrived at {@code arrivalMillis}, validated; its event
     * time corrected by {@code sent_at} when {@code correctsClock}.
     */
    public EventRecord parse(String record, long arrivalMillis, boolean correctsClock) {
        EventRecord event = new EventRecord();
        event.recordText = record;
        event.arrivalMillis = arrivalMillis;
        String reason = null;
        if (record.length() > EventContract.MAX_RECORD_CHARS
                && record.codePointCount(0, record.length()) > EventContract.MAX_RECORD_CHARS) {
            reason = TOO_LONG;
        }
        if (reason == null) {
            try (JsonParser parser = JSON.createParser(record)) {
                reason = validate(parser, arrivalMillis, correctsClock, event);
            } catch (IOException notJson) {
                reason = "not valid JSON";
            }
        }
        return finish(event, reason);
    }

    /** The record (UTF-8 bytes, as Kinesis delivers them) that arrived at {@code arrivalMillis}, validated. */
    public EventRecord parse(byte[] record, long arrivalMillis, boolean correctsClock) {
        EventRecord event = new EventRecord();
        event.recordBytes = record;
        event.arrivalMillis = arrivalMillis;
        String reason = null;
        if (record.length > EventContract.MAX_RECORD_CHARS && utf8CodePoints(record) > EventContract.MAX_RECORD_CHARS) {
            reason = TOO_LONG;
        }
        if (reason == null) {
            try (JsonParser parser = JSON.createParser(record)) {
                reason = validate(parser, arrivalMillis, correctsClock, event);
            } catch (IOException notJson) {
                reason = "not valid JSON";
            }
        }
        return finish(event, reason);
    }

    private static final String TOO_LONG = "record longer than " + EventContract.MAX_RECORD_CHARS + " characters";

    private EventRecord finish(EventRecord event, String reason) {
        if (reason != null) {
            event.rejectReason = reason;
            return event;
        }
        event.eventId = texts[EVENT_ID];
        event.eventType = texts[EVENT_TYPE];
        event.eventTs = texts[EVENT_TS];
        event.userId = texts[USER_ID];
        event.deviceId = texts[DEVICE_ID];
        event.deviceType = texts[DEVICE_TYPE];
        event.country = texts[COUNTRY];
        event.titleId = kinds[TITLE_ID] == STRING ? texts[TITLE_ID] : null;
        event.positionMs = kinds[POSITION_MS] == INTEGER ? integers[POSITION_MS] : null;
        event.searchQuery = kinds[SEARCH_QUERY] == STRING ? texts[SEARCH_QUERY] : null;
        event.appVersion = kinds[APP_VERSION] == STRING ? texts[APP_VERSION] : null;
        event.sentAt = kinds[SENT_AT] == STRING ? texts[SENT_AT] : null;
        event.schemaVersion = EventContract.SCHEMA_VERSION;
        return event;
    }

    private String validate(JsonParser record, long arrivalMillis, boolean correctsClock, EventRecord event)
            throws IOException {
        String structure = readFields(record);
        if (structure != null) {
            return structure;
        }
        for (int field : ALWAYS_REQUIRED) {
            if (kinds[field] == ABSENT) {
                return "missing required field: " + FIELDS[field];
            }
        }
        for (int field : ALWAYS_STRINGS) {
            if (kinds[field] != STRING) {
                return "wrong type: " + FIELDS[field] + " must be a string";
            }
        }
        byte schema = kinds[SCHEMA_VERSION];
        if (schema != INTEGER && schema != BIG_INTEGER) {
            return "wrong type: schema_version must be an integer";
        }
        if (schema != INTEGER || integers[SCHEMA_VERSION] != EventContract.SCHEMA_VERSION) {
            return "unsupported schema_version: " + texts[SCHEMA_VERSION];
        }
        if (!stringOrAbsent(TITLE_ID)) {
            return "wrong type: title_id must be a string";
        }
        byte position = kinds[POSITION_MS];
        if (position == OTHER || position == STRING) {
            return "wrong type: position_ms must be an integer";
        }
        if (position == BIG_INTEGER
                || (position == INTEGER && (integers[POSITION_MS] < 0 || integers[POSITION_MS] > EventContract.MAX_POSITION_MS))) {
            return "out of range: position_ms must be an integer between 0 and " + EventContract.MAX_POSITION_MS;
        }
        if (!stringOrAbsent(SEARCH_QUERY)) {
            return "wrong type: search_query must be a string";
        }
        if (!stringOrAbsent(APP_VERSION)) {
            return "wrong type: app_version must be a string";
        }
        if (!stringOrAbsent(SENT_AT)) {
            return "wrong type: sent_at must be a string";
        }
        for (int field : new int[] {EVENT_ID, USER_ID, DEVICE_ID, TITLE_ID}) {
            if (kinds[field] == STRING && !lengthBetween(texts[field], 1, EventContract.MAX_ID_CHARS)) {
                return FIELDS[field] + " must have 1 to " + EventContract.MAX_ID_CHARS + " characters";
            }
        }
        if (kinds[APP_VERSION] == STRING && !lengthBetween(texts[APP_VERSION], 0, EventContract.MAX_ID_CHARS)) {
            return "app_version longer than " + EventContract.MAX_ID_CHARS + " characters";
        }
        if (kinds[SEARCH_QUERY] == STRING && !lengthBetween(texts[SEARCH_QUERY], 0, EventContract.MAX_SEARCH_QUERY_CHARS)) {
            return "search_query longer than " + EventContract.MAX_SEARCH_QUERY_CHARS + " characters";
        }
        String eventType = texts[EVENT_TYPE];
        if (!EventContract.EVENT_TYPES.contains(eventType)) {
            return "unknown event_type: " + prefix(eventType);
        }
        if (!EventContract.DEVICE_TYPES.contains(texts[DEVICE_TYPE])) {
            return "unknown device_type: " + prefix(texts[DEVICE_TYPE]);
        }
        if (!isCountryCode(texts[COUNTRY])) {
            return "country must be an ISO 3166-1 alpha-2 code";
        }
        long eventTime = IsoTimestamps.epochMillis(texts[EVENT_TS]);
        if (eventTime == IsoTimestamps.INVALID) {
            return "unparseable event_ts: expected ISO-8601 such as 2026-01-31T20:15:00.123Z";
        }
        if (kinds[SENT_AT] == STRING) {
            long sentAt = IsoTimestamps.epochMillis(texts[SENT_AT]);
            if (sentAt == IsoTimestamps.INVALID) {
                return "unparseable sent_at: expected ISO-8601 such as 2026-01-31T20:15:00.123Z";
            }
            if (correctsClock) {
                eventTime += arrivalMillis - sentAt; // the device's clock offset cancels out
            }
        }
        if (eventTime - arrivalMillis > maxFutureSkewMillis) {
            return futureReason;
        }
        event.eventTimeMillis = eventTime;
        if (EventContract.PLAYBACK_EVENT_TYPES.contains(eventType)) {
            if (kinds[TITLE_ID] == ABSENT) {
                return "missing required field: title_id (playback event)";
            }
            if (position == ABSENT) {
                return "missing required field: position_ms (playback event)";
            }
        } else if (eventType.equals("search") && kinds[SEARCH_QUERY] == ABSENT) {
            return "missing required field: search_query (search event)";
        }
        return null;
    }

    /**
     * Reads the top-level fields of the record into the slots; a reason when the record is not
     * JSON or not an object, else null.
     */
    private String readFields(JsonParser parser) throws IOException {
        if (kinds == null) {
            kinds = new byte[FIELDS.length];
            texts = new String[FIELDS.length];
            integers = new long[FIELDS.length];
        }
        java.util.Arrays.fill(kinds, ABSENT);
        java.util.Arrays.fill(texts, null);
        JsonToken token = parser.nextToken();
        if (token == null) {
            return "not valid JSON";
        }
        if (token != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return parser.nextToken() == null ? "not a JSON object" : "not valid JSON";
        }
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            int field = fieldIndex(parser.currentName());
            token = parser.nextToken();
            if (field < 0) {
                parser.skipChildren();
                continue;
            }
            read(parser, token, field);
        }
        if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
            return "not valid JSON";
        }
        return null;
    }

    private void read(JsonParser parser, JsonToken token, int field) throws IOException {
        texts[field] = null;
        switch (token) {
            case VALUE_NULL:
                kinds[field] = ABSENT;
                return;
            case VALUE_STRING:
                kinds[field] = STRING;
                texts[field] = parser.getText();
                return;
            case VALUE_NUMBER_INT:
                texts[field] = parser.getText();
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    kinds[field] = BIG_INTEGER;
                } else {
                    kinds[field] = INTEGER;
                    integers[field] = parser.getLongValue();
                }
                return;
            default:
                kinds[field] = OTHER;
                parser.skipChildren();
        }
    }

    private static int fieldIndex(String name) {
        switch (name) {
            case "event_id": return EVENT_ID;
            case "event_type": return EVENT_TYPE;
            case "event_ts": return EVENT_TS;
            case "user_id": return USER_ID;
            case "device_id": return DEVICE_ID;
            case "device_type": return DEVICE_TYPE;
            case "country": return COUNTRY;
            case "title_id": return TITLE_ID;
            case "position_ms": return POSITION_MS;
            case "search_query": return SEARCH_QUERY;
            case "app_version": return APP_VERSION;
            case "schema_version": return SCHEMA_VERSION;
            case "sent_at": return SENT_AT;
            default: return -1;
        }
    }

    private boolean stringOrAbsent(int field) {
        return kinds[field] == ABSENT || kinds[field] == STRING;
    }

    /** Length in characters (code points, as the contract and Python count them). */
    private static boolean lengthBetween(String value, int min, int max) {
        int units = value.length();
        if (units >= min && units <= max) {
            return true; // code points <= UTF-16 units, and >= min unless units < min
        }
        int chars = value.codePointCount(0, units);
        return chars >= min && chars <= max;
    }

    private static boolean isCountryCode(String value) {
        return value.length() == 2 && isUpper(value.charAt(0)) && isUpper(value.charAt(1));
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static String prefix(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64);
    }

    /** Characters (code points) of UTF-8 bytes: every byte but the continuation bytes 10xxxxxx starts one. */
    private static int utf8CodePoints(byte[] bytes) {
        int count = 0;
        for (byte b : bytes) {
            if ((b & 0xC0) != 0x80) {
                count++;
            }
        }
        return count;
    }
}
