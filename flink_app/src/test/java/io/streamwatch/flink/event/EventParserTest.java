package io.streamwatch.flink.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class EventParserTest {

    private static final long ARRIVAL = 1_795_219_200_000L; // 2026-11-21T00:00:00Z, after the corpus
    private static final String VALID =
            "{\"event_id\":\"e-1\",\"event_type\":\"play\",\"event_ts\":\"2026-11-20T23:59:59.250+01:00\","
                    + "\"user_id\":\"u\",\"device_id\":\"d\",\"device_type\":\"tv\",\"country\":\"US\","
                    + "\"title_id\":\"t\",\"position_ms\":42,\"schema_version\":1,\"extra\":{\"a\":[1,2]}}";

    private final EventParser parser = new EventParser(15 * 60_000L);

    private EventRecord parse(String record) {
        return parser.parse(record, ARRIVAL, true);
    }

    /** Every record of the shared corpus (also read by the Python tests) gets its expected reason. */
    @Test
    void badRecordCorpus() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<String> failures = new ArrayList<>();
        for (String line : Files.readAllLines(corpus(), StandardCharsets.UTF_8)) {
            if (line.trim().isEmpty()) {
                continue;
            }
            JsonNode row = mapper.readTree(line);
            EventRecord event = parse(row.get("raw").asText());
            String expected = row.get("expect").asText();
            if (event.rejectReason == null || !event.rejectReason.startsWith(expected)) {
                failures.add(row.get("raw").asText() + " -> " + event.rejectReason + " (expected " + expected + ")");
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static Path corpus() {
        // run from flink_app/ by Maven; the corpus lives in the repository's tests/data
        Path path = Paths.get("..", "tests", "data", "bad_records.jsonl");
        assertTrue(Files.exists(path), "corpus not found at " + path.toAbsolutePath());
        return path;
    }

    @Test
    void validEventHasTypedFieldsAndUtcEventTime() {
        EventRecord event = parse(VALID);
        assertNull(event.rejectReason);
        assertEquals(ARRIVAL - 60 * 60_000L - 750, event.eventTimeMillis);
        assertEquals("e-1", event.eventId);
        assertEquals(42L, event.positionMs);
        assertEquals(1, event.schemaVersion);
        assertNull(event.searchQuery);
        assertNull(event.sentAt);
        assertEquals(VALID, event.recordText);
    }

    @Test
    void nullCountsAsAbsentAndTheLastRepeatedKeyWins() {
        EventRecord event = parse(VALID.replace("\"position_ms\":42", "\"position_ms\":7,\"app_version\":null,\"position_ms\":42"));
        assertNull(event.rejectReason);
        assertEquals(42L, event.positionMs);
        assertNull(event.appVersion);
        assertEquals("missing required field: title_id (playback event)",
                parse(VALID.replace("\"title_id\":\"t\"", "\"title_id\":null")).rejectReason);
    }

    @Test
    void futureEventTsIsRejectedBeyondTheSkewOnly() {
        String future = VALID.replace("2026-11-20T23:59:59.250+01:00", "2099-01-01T00:00:00Z");
        assertTrue(parse(future).rejectReason.startsWith("event_ts in the future"));
        String atLimit = VALID.replace("2026-11-20T23:59:59.250+01:00", "2026-11-21T00:15:00.000Z");
        assertNull(parse(atLimit).rejectReason);
        String justOver = VALID.replace("2026-11-20T23:59:59.250+01:00", "2026-11-21T00:15:00.001Z");
        assertTrue(parse(justOver).rejectReason.startsWith("event_ts in the future"));
    }

    @Test
    void lengthsCountCharactersNotUtf16Units() {
        String emoji = new String(Character.toChars(0x1F600));
        String ok = "x".repeat(255) + emoji; // 256 characters, 257 UTF-16 units
        assertNull(parse(VALID.replace("\"user_id\":\"u\"", "\"user_id\":\"" + ok + "\"")).rejectReason);
        String tooLong = "x".repeat(256) + emoji;
        assertEquals("user_id must have 1 to 256 characters",
                parse(VALID.replace("\"user_id\":\"u\"", "\"user_id\":\"" + tooLong + "\"")).rejectReason);
    }

    @Test
    void everyRecordIsKeptExactlyAsReceivedLineBreaksIncluded() {
        String multiLine = VALID.replace(",\"user_id\"", ",\r\n  \"user_id\"");
        EventRecord event = parse(multiLine);
        assertNull(event.rejectReason);
        assertEquals(multiLine, event.recordText);
        String broken = "{\n\"event_id\": 1\n}";
        assertEquals(broken, parse(broken).recordText);
    }

    @Test
    void bytesAndTextGiveTheSameVerdict() throws IOException {
        List<String> records = new ArrayList<>(List.of(VALID, VALID.replace("\"u\"", "\"\u00fc\u20ac\"")));
        ObjectMapper mapper = new ObjectMapper();
        for (String line : Files.readAllLines(corpus(), StandardCharsets.UTF_8)) {
            if (!line.trim().isEmpty()) {
                records.add(mapper.readTree(line).get("raw").asText());
            }
        }
        for (String record : records) {
            EventRecord text = parse(record);
            EventRecord bytes = parser.parse(record.getBytes(StandardCharsets.UTF_8), ARRIVAL, true);
            assertEquals(text.rejectReason, bytes.rejectReason, record);
            assertEquals(text.eventTimeMillis, bytes.eventTimeMillis, record);
            assertEquals(text.userId, bytes.userId, record);
            assertEquals(record, new String(bytes.recordBytes, StandardCharsets.UTF_8));
        }
    }

    /** DESIGN §3: event time = event_ts + (arrival − sent_at); the device's clock offset cancels out. */
    @Test
    void sentAtCorrectsADeviceClockWhenTheSourceKnowsTheArrival() {
        // a device 10 minutes fast: event at 23:59:00 true time, sent 20 s later, arrives 250 ms after that
        String fast = VALID.replace("2026-11-20T23:59:59.250+01:00", "2026-11-21T00:09:00.000Z")
                .replace("\"schema_version\":1", "\"schema_version\":1,\"sent_at\":\"2026-11-21T00:09:20.000Z\"");
        long arrival = ARRIVAL - 40_000 + 250; // 23:59:20.250 true time
        EventRecord corrected = parser.parse(fast, arrival, true);
        assertNull(corrected.rejectReason);
        assertEquals(ARRIVAL - 60_000 + 250, corrected.eventTimeMillis); // 23:59:00.250
        assertEquals("2026-11-21T00:09:20.000Z", corrected.sentAt);
        // a plain replay has no arrival to correct by: event_ts as written
        assertEquals(ARRIVAL + 9 * 60_000, parser.parse(fast, arrival, false).eventTimeMillis);
    }

    @Test
    void theFutureRuleJudgesTheCorrectedTime() {
        // 20 minutes fast, but sent_at shows it: on time
        String fast = VALID.replace("2026-11-20T23:59:59.250+01:00", "2026-11-21T00:20:00.000Z")
                .replace("\"schema_version\":1", "\"schema_version\":1,\"sent_at\":\"2026-11-21T00:20:00.000Z\"");
        assertNull(parser.parse(fast, ARRIVAL, true).rejectReason);
        assertTrue(parser.parse(fast, ARRIVAL, false).rejectReason.startsWith("event_ts in the future"));
        // an event_ts 16 minutes after its own sent_at is in the future whatever the clock
        String ahead = fast.replace("\"sent_at\":\"2026-11-21T00:20:00.000Z\"", "\"sent_at\":\"2026-11-21T00:04:00.000Z\"");
        assertTrue(parser.parse(ahead, ARRIVAL, true).rejectReason.startsWith("event_ts in the future"));
    }

    @Test
    void aSentAtThatDoesNotParseIsRejectedLikeABadEventTs() {
        String bad = VALID.replace("\"schema_version\":1", "\"schema_version\":1,\"sent_at\":\"yesterday\"");
        assertTrue(parse(bad).rejectReason.startsWith("unparseable sent_at"));
        String number = VALID.replace("\"schema_version\":1", "\"schema_version\":1,\"sent_at\":1795219200000");
        assertEquals("wrong type: sent_at must be a string", parse(number).rejectReason);
        String absent = VALID.replace("\"schema_version\":1", "\"schema_version\":1,\"sent_at\":null");
        assertNull(parse(absent).rejectReason);
    }

    @Test
    void structuralProblemsComeFirst() {
        assertEquals("not valid JSON", parse(VALID + " {}").rejectReason);
        assertEquals("not valid JSON", parse("").rejectReason);
        assertEquals("not valid JSON", parse("{\"event_id\": 1,}").rejectReason);
        assertEquals("not a JSON object", parse("null").rejectReason);
        assertEquals("not valid JSON", parse("[1, 2").rejectReason);
        assertEquals("unsupported schema_version: 99999999999999999999",
                parse(VALID.replace("\"schema_version\":1", "\"schema_version\":99999999999999999999")).rejectReason);
        assertEquals("wrong type: schema_version must be an integer",
                parse(VALID.replace("\"schema_version\":1", "\"schema_version\":1.0")).rejectReason);
        assertTrue(parse("{\"a\":\"" + "x".repeat(EventContract.MAX_RECORD_CHARS) + "\"}").rejectReason
                .startsWith("record longer than"));
    }
}
