package io.streamwatch.flink.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.Test;

import io.streamwatch.flink.event.EventParser;
import io.streamwatch.flink.event.EventRows;

class ValidEventWatermarksTest {

    private final EventParser parser = new EventParser(15 * 60_000L);
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    private RowData row(String eventTs, long arrival) {
        return EventRows.toRow(parser.parse(
                "{\"event_id\":\"e\",\"event_type\":\"browse\",\"event_ts\":\"" + eventTs + "\",\"user_id\":\"u\","
                        + "\"device_id\":\"d\",\"device_type\":\"tv\",\"country\":\"US\",\"schema_version\":1}", arrival, false),
                null, null, "1");
    }

    @Test
    void onlyValidEventsMoveTheWatermark() {
        ValidEventWatermarks watermarks = new ValidEventWatermarks(5_000, 200);
        long now = 1_763_679_600_000L; // 2025-11-20T23:00:00Z
        watermarks.onEvent(row("2025-11-20T22:00:00.000Z", now), 0, output);
        watermarks.onEvent(row("2099-01-01T00:00:00.000Z", now), 0, output); // rejected: in the future
        watermarks.onEvent(row("2025-11-20T22:00:00.100Z", now), 0, output);
        watermarks.onPeriodicEmit(output);
        long first = now - 3_600_000L;
        assertEquals(List.of(first - 5_001, first + 100 - 5_001), emitted);
    }

    @Test
    void emitsEagerlyOnlyBeyondTheStep() {
        ValidEventWatermarks watermarks = new ValidEventWatermarks(5_000, 200);
        long now = 1_763_679_600_000L;
        watermarks.onEvent(row("2025-11-20T22:00:00.000Z", now), 0, output);
        watermarks.onEvent(row("2025-11-20T22:00:00.200Z", now), 0, output); // moved 200: not beyond
        watermarks.onEvent(row("2025-11-20T22:00:00.201Z", now), 0, output); // 201: eager
        long base = now - 3_600_000L - 5_001;
        assertEquals(List.of(base, base + 201), emitted);
    }

    /** DESIGN §4: a clock ahead of the world (here 10 minutes, within the allowed skew) moves event time only to its arrival. */
    @Test
    void noRecordMovesTheClockPastItsOwnArrival() {
        ValidEventWatermarks watermarks = new ValidEventWatermarks(5_000, 200);
        long now = 1_763_679_600_000L; // 2025-11-20T23:00:00Z
        watermarks.onEvent(row("2025-11-20T23:10:00.000Z", now), 0, output);
        watermarks.onPeriodicEmit(output);
        assertEquals(List.of(now - 5_001), emitted);
        watermarks.onEvent(row("2025-11-20T23:00:01.000Z", now + 2_000), 0, output); // a second later, arrived 2 s later
        watermarks.onPeriodicEmit(output);
        assertEquals(List.of(now - 5_001, now + 1_000 - 5_001), emitted);
    }
}
