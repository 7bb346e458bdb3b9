package io.streamwatch.flink.time;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.table.data.RowData;

import io.streamwatch.flink.event.EventRows;

/**
 * Watermarks of a replay: only valid events move them (a rejected record, e.g. one dated 2099,
 * does not), and none past its own arrival (DESIGN §4). Emitted periodically and, like Flink SQL's own watermark assigner, as soon as the
 * watermark moved by more than {@code eagerStepMillis} of event time, so that which events are
 * late does not depend on how fast the input is read.
 */
public final class ValidEventWatermarks implements WatermarkGenerator<RowData> {

    private final EventTimeClock clock;
    private final long eagerStepMillis;
    private long emitted = EventTimeClock.NONE;

    public ValidEventWatermarks(long outOfOrdernessMillis, long eagerStepMillis) {
        this.clock = new EventTimeClock(outOfOrdernessMillis);
        this.eagerStepMillis = eagerStepMillis;
    }

    @Override
    public void onEvent(RowData row, long eventTimestamp, WatermarkOutput output) {
        long time = EventRows.clockMillis(row);
        if (time != Long.MIN_VALUE && clock.observe(time)
                && (emitted == EventTimeClock.NONE || clock.watermark() - emitted > eagerStepMillis)) {
            emit(output);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (clock.watermark() > emitted) {
            emit(output);
        }
    }

    private void emit(WatermarkOutput output) {
        emitted = clock.watermark();
        output.emitWatermark(new Watermark(emitted));
    }
}
