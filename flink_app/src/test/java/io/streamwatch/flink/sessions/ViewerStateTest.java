package io.streamwatch.flink.sessions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.table.data.StringData;
import org.junit.jupiter.api.Test;

class ViewerStateTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ViewerState.Waiting event(long time, String seq, byte type, String title) {
        return new ViewerState.Waiting(time, bytes(seq), type, title == null ? null : bytes(title), (byte) 3, 'U' << 8 | 'S');
    }

    @Test
    void waitingEventsAreKeptInEventTimeThenArrivalOrder() {
        ViewerState state = new ViewerState();
        state.addWaiting(event(20, "5", (byte) 4, "t"));
        state.addWaiting(event(10, "100", (byte) 0, "t"));
        state.addWaiting(event(10, "99", (byte) 1, "t")); // shorter is earlier: 99 before 100
        state.addWaiting(event(15, "1", (byte) 6, null));
        List<String> order = new ArrayList<>();
        for (ViewerState.Waiting waiting : state.waiting) {
            order.add(waiting.time + "/" + new String(waiting.arrivalSeq, StandardCharsets.US_ASCII));
        }
        assertEquals(List.of("10/99", "10/100", "15/1", "20/5"), order);
    }

    @Test
    void aSessionKeepsItsFirstMillisecondsSmallestDeviceTypeAndCountryAndDistinctTitles() {
        ViewerState state = new ViewerState();
        state.addToSession(new ViewerState.Waiting(100, bytes("1"), (byte) 0, bytes("a"), (byte) 3, 'U' << 8 | 'S'), 0);
        state.addToSession(new ViewerState.Waiting(100, bytes("2"), (byte) 4, bytes("a"), (byte) 1, 'D' << 8 | 'E'), 0);
        state.addToSession(new ViewerState.Waiting(160, bytes("3"), (byte) 4, bytes("b"), (byte) 0, 'A' << 8 | 'U'), 60);
        assertEquals(1, state.firstDeviceType); // mobile < tv; the later console does not count
        assertEquals('D' << 8 | 'E', state.firstCountry);
        assertEquals(3, state.eventCount);
        assertEquals(1, state.playCount);
        assertEquals(2, state.titles.size());
        assertEquals(60, state.watchTimeMillis);
        assertEquals(160, state.sessionLast);
    }

    @Test
    void theSerializerRoundTripsEveryField() throws Exception {
        ViewerState state = new ViewerState();
        state.remember(bytes("e-1"), 100);
        state.remember(bytes("e-2"), 160);
        state.addWaiting(event(170, "42", (byte) 5, "t-9"));
        state.addWaiting(event(175, "43", (byte) 7, null));
        state.addToSession(event(100, "40", (byte) 0, "t-9"), 0);
        state.addToSession(event(160, "41", (byte) 4, "t-9"), 60);
        state.fireTimer = 170;
        state.cleanupTimer = 160 + 1_800_000;
        DataOutputSerializer out = new DataOutputSerializer(64);
        ViewerStateSerializer.INSTANCE.serialize(state, out);
        ViewerState back = ViewerStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertTrue(back.remembers(bytes("e-2")));
        assertFalse(back.remembers(bytes("e-3")));
        assertEquals(List.of(100L, 160L), back.recentTimes);
        assertEquals(2, back.waiting.size());
        assertEquals(175, back.waiting.get(1).time);
        assertEquals(null, back.waiting.get(1).titleId);
        assertArrayEquals(bytes("t-9"), back.waiting.get(0).titleId);
        assertEquals(100, back.sessionStart);
        assertEquals(160, back.sessionLast);
        assertEquals(2, back.eventCount);
        assertEquals(60, back.watchTimeMillis);
        assertArrayEquals(bytes("t-9"), back.lastTitleId);
        assertEquals(4, back.lastEventType);
        assertEquals('U' << 8 | 'S', back.firstCountry);
        assertEquals(170, back.fireTimer);
        assertEquals(160 + 1_800_000, back.cleanupTimer);
        ViewerState copy = ViewerStateSerializer.INSTANCE.copy(back);
        copy.waiting.clear();
        assertEquals(2, back.waiting.size()); // a copy shares no list with its original
    }

    @Test
    void forgettingIdsKeepsThoseStillWithinTheGrace() {
        ViewerState state = new ViewerState();
        state.remember(bytes("old"), 100);
        state.remember(bytes("new"), 200);
        state.forgetIdsBefore(150);
        assertFalse(state.remembers(bytes("old")));
        assertTrue(state.remembers(bytes("new")));
        assertEquals(200, state.newestIdTime());
    }

    /** DESIGN §5: md5 of user_id|device_id|session_start; the expected value is Python's hashlib. */
    @Test
    void theSessionIdIsTheMd5OfUserDeviceAndStart() {
        assertEquals("3da41dede9ed748b65bdc4bfa196025c",
                ViewingSessions.sessionId(StringData.fromString("u-1"), StringData.fromString("d-1"), 1_795_215_000_123L));
    }

    @Test
    void codesKeepTheContractsNames() {
        assertEquals("heartbeat", Codes.EVENT_TYPES[Codes.eventType(StringData.fromString("heartbeat"))].toString());
        assertTrue(Codes.isPlayback(Codes.eventType(StringData.fromString("stop"))));
        assertFalse(Codes.isPlayback(Codes.eventType(StringData.fromString("browse"))));
        for (String type : List.of("play", "resume", "heartbeat", "seek")) {
            assertTrue(Codes.credits(Codes.eventType(StringData.fromString(type))), type);
        }
        for (String type : List.of("pause", "stop", "browse", "search")) {
            assertFalse(Codes.credits(Codes.eventType(StringData.fromString(type))), type);
        }
        assertEquals("US", Codes.countryText(Codes.country(StringData.fromString("US"))).toString());
    }
}
