package io.streamwatch.flink.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoTimestampsTest {

    /** java.time is the oracle for every form both accept. */
    @ParameterizedTest
    @ValueSource(strings = {
        "2026-11-20T23:00:00Z", "2026-11-20T23:00:00.000Z", "2026-11-20T23:00:00.1Z",
        "2026-11-20T23:00:00.123456789Z", "2026-11-20T23:00:00.999+05:30", "2026-11-20T23:00:00-08:00",
        "2024-02-29T12:00:00.500z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2000-02-29T00:00:00+14:00",
    })
    void agreesWithJavaTime(String text) {
        long expected = OffsetDateTime.parse(text.replace('z', 'Z')).toInstant().toEpochMilli();
        // java.time rounds nothing: a fraction beyond milliseconds is truncated by toEpochMilli too
        assertEquals(expected, IsoTimestamps.epochMillis(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-20T23:00:00+0530", "2026-11-20T23:00:00.25-0800"})
    void acceptsOffsetsWithoutColon(String text) {
        String withColon = text.substring(0, text.length() - 2) + ":" + text.substring(text.length() - 2);
        assertEquals(OffsetDateTime.parse(withColon).toInstant().toEpochMilli(), IsoTimestamps.epochMillis(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "yesterday", "2026-11-20 23:00:00Z", "2026-11-20T23:00:00", "2026-11-20T23:00Z",
        "2026-02-30T10:00:00.000Z", "2026-13-01T00:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20T23:60:00Z",
        "2026-11-20T23:00:60Z", "2026-11-20T23:00:00.Z", "2026-11-20T23:00:00.1234567890Z",
        "2026-11-20T23:00:00+5:30", "2026-11-20T23:00:00+05:3", "2026-11-20T23:00:00Zjunk",
        "0000-01-01T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "２026-11-20T23:00:00Z",
        "2026-11-20T23:00:00 Z", "+2026-11-20T23:00:00Z",
    })
    void rejectsWhatIsNotAContractTimestamp(String text) {
        assertEquals(IsoTimestamps.INVALID, IsoTimestamps.epochMillis(text), text);
    }
}
