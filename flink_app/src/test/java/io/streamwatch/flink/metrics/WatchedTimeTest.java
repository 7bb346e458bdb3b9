package io.streamwatch.flink.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class WatchedTimeTest {

    @Test
    void arrivalSequencesCompareAsNumbersOfAnyLength() {
        // Kinesis sequence numbers have up to 56 digits; a replay's are record numbers
        List<String> sequences = new ArrayList<>(List.of(
                "49590338271490256608559692540925702759324208523137515618", "10", "9",
                "49590338271490256608559692538361571095921575989136588898", "100"));
        sequences.sort(WatchedTime.ARRIVAL_ORDER);
        assertEquals(List.of("9", "10", "100",
                "49590338271490256608559692538361571095921575989136588898",
                "49590338271490256608559692540925702759324208523137515618"), sequences);
    }

    @Test
    void onlyPlaybackThatKeepsGoingEarnsCredit() {
        for (String type : List.of("play", "resume", "heartbeat", "seek")) {
            assertTrue(WatchedTime.credits(type), type);
        }
        for (String type : List.of("pause", "stop", "browse", "search")) {
            assertFalse(WatchedTime.credits(type), type);
        }
    }
}
