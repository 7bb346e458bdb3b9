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
        return parser.parse(record, ARRIVAL);
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
        assertEquals(VALID, event.record);
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
    void lineBreaksOfAValidRecordBecomeSpacesAndARejectedOneIsKeptAsIs() {
        String multiLine = VALID.replace(",\"user_id\"", ",\r\n  \"user_id\"");
        EventRecord event = parse(multiLine);
        assertNull(event.rejectReason);
        assertEquals(-1, event.record.indexOf('\n'));
        String broken = "{\n\"event_id\": 1\n}";
        EventRecord rejected = parse(broken);
        assertEquals(broken, rejected.record);
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
