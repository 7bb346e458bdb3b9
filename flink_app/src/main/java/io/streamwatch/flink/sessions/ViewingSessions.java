package io.streamwatch.flink.sessions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.writer.BinaryRowWriter;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import io.streamwatch.flink.plan.DataStreamViews;

/**
 * Everything the job derives per viewing key {@code (user_id, device_id)}, in one keyed step whose
 * state is one small value per key ({@link ViewerState}) and two event-time timers (DESIGN §3–§5):
 *
 * <ol>
 *   <li><b>Redeliveries</b>: the first arrival of an event_id wins. A redelivery is the same record
 *       sent again, so it has the same key; the key remembers an event_id until the watermark
 *       has passed its event time by the grace period, a bound in event time that no downtime
 *       or catch-up speed can stretch. A redelivery after that is behind the watermark: late.
 *   <li><b>Late split</b>: an event at or behind the watermark when it arrives goes to the late
 *       output and into no metric.
 *   <li><b>Watched time</b>: on-time events wait until the watermark passes them, then are taken
 *       in event-time order, a millisecond's events in arrival order ({@code arrival_seq}), and
 *       each gets its watched_ms from the key's previous event.
 *   <li><b>Sessions</b>: events at most the gap apart form a session; it is emitted once the
 *       watermark has passed its last event by the gap (no on-time event can join it then).
 * </ol>
 *
 * <p>Outputs: the on-time playback events of a title with their watched_ms (the main output, for
 * the per-title and per-minute windows of the SQL), the late events (as they came in), and the
 * closed sessions. Keeping all of this in one value read and written once per event, with a timer
 * per waiting event and one cleanup timer per key that is re-armed rather than deleted, is what
 * makes the step cheap on RocksDB, where each state access and each timer is a key-value operation.
 */
public final class ViewingSessions extends KeyedProcessFunction<RowData, RowData, RowData> {

    private static final long serialVersionUID = 1L;

    /** Columns of the main output view: the on-time playback events of a title. */
    public static final DataType WATCHED = DataTypes.ROW(
            DataTypes.FIELD("event_time", DataTypes.TIMESTAMP(3).notNull()),
            DataTypes.FIELD("event_type", DataTypes.STRING()),
            DataTypes.FIELD("user_id", DataTypes.STRING()),
            DataTypes.FIELD("device_type", DataTypes.STRING()),
            DataTypes.FIELD("country", DataTypes.STRING()),
            DataTypes.FIELD("title_id", DataTypes.STRING()),
            DataTypes.FIELD("watched_ms", DataTypes.BIGINT().notNull()));

    /** Columns of the sessions view (DESIGN §5 processed/sessions, without dt and hr). */
    public static final DataType SESSION = DataTypes.ROW(
            DataTypes.FIELD("session_id", DataTypes.STRING()),
            DataTypes.FIELD("user_id", DataTypes.STRING()),
            DataTypes.FIELD("device_id", DataTypes.STRING()),
            DataTypes.FIELD("device_type", DataTypes.STRING()),
            DataTypes.FIELD("country", DataTypes.STRING()),
            DataTypes.FIELD("session_start", DataTypes.TIMESTAMP(3)),
            DataTypes.FIELD("session_end", DataTypes.TIMESTAMP(3)),
            DataTypes.FIELD("duration_ms", DataTypes.BIGINT()),
            DataTypes.FIELD("event_count", DataTypes.BIGINT()),
            DataTypes.FIELD("play_count", DataTypes.BIGINT()),
            DataTypes.FIELD("titles_watched", DataTypes.BIGINT()),
            DataTypes.FIELD("watch_time_ms", DataTypes.BIGINT()));

    private static final RowType KEY = (RowType) DataTypes.ROW(
            DataTypes.FIELD("user_id", DataTypes.STRING()),
            DataTypes.FIELD("device_id", DataTypes.STRING())).getLogicalType();
    private static final DateTimeFormatter SESSION_START_TEXT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final OutputTag<RowData> lateTag;
    private final OutputTag<RowData> sessionTag;
    private final long gapMillis;
    private final long capMillis;
    private final long graceMillis;
    private final int eventTime;
    private final int eventId;
    private final int eventType;
    private final int titleId;
    private final int deviceType;
    private final int country;
    private final int arrivalSeq;

    private transient ValueState<ViewerState> state;
    private transient Counter duplicates;
    private transient Counter late;
    private transient long waitingEvents;
    private transient long newestWaiting;
    private transient long widestWaitingSpan;

    ViewingSessions(RowType input, OutputTag<RowData> lateTag, OutputTag<RowData> sessionTag,
                    long gapMillis, long capMillis, long graceMillis) {
        this.lateTag = lateTag;
        this.sessionTag = sessionTag;
        this.gapMillis = gapMillis;
        this.capMillis = capMillis;
        this.graceMillis = graceMillis;
        this.eventTime = input.getFieldIndex("event_time");
        this.eventId = input.getFieldIndex("event_id");
        this.eventType = input.getFieldIndex("event_type");
        this.titleId = input.getFieldIndex("title_id");
        this.deviceType = input.getFieldIndex("device_type");
        this.country = input.getFieldIndex("country");
        this.arrivalSeq = input.getFieldIndex("arrival_seq");
    }

    /**
     * Reads {@code view} (valid events: event_time as its event-time attribute, the contract
     * fields and arrival_seq) and registers three views: {@code watchedView} (columns of
     * {@link #WATCHED}, event_time its event-time attribute), {@code lateView} (the columns of
     * {@code view}) and {@code sessionsView} (columns of {@link #SESSION}).
     */
    public static void register(
            StreamTableEnvironment tableEnv, String view, String watchedView, String lateView, String sessionsView,
            long gapMillis, long capMillis, long graceMillis) {
        Table table = tableEnv.from(view);
        DataType rowType = DataStreamViews.rowType(table);
        RowType input = (RowType) rowType.getLogicalType();
        OutputTag<RowData> lateTag = new OutputTag<>("late-events", InternalTypeInfo.of(input));
        OutputTag<RowData> sessionTag = new OutputTag<>("sessions", InternalTypeInfo.of((RowType) SESSION.getLogicalType()));
        DataStream<RowData> rows = tableEnv.toDataStream(table, rowType);
        SingleOutputStreamOperator<RowData> watched = rows
                .keyBy(new KeyOf(input.getFieldIndex("user_id"), input.getFieldIndex("device_id")), InternalTypeInfo.of(KEY))
                .process(new ViewingSessions(input, lateTag, sessionTag, gapMillis, capMillis, graceMillis),
                        InternalTypeInfo.of((RowType) WATCHED.getLogicalType()))
                .name("Viewing sessions per (user_id, device_id)")
                .uid("streamwatch-viewing-sessions")
                // its own task: the windows and sinks after it run in other threads, so this step,
                // the job's longest at parallelism 1, does not also carry their work
                .disableChaining();
        DataStreamViews.register(tableEnv, watchedView, watched, WATCHED.bridgedTo(RowData.class), "event_time");
        DataStreamViews.registerPlain(tableEnv, lateView, watched.getSideOutput(lateTag), rowType);
        DataStreamViews.registerPlain(tableEnv, sessionsView, watched.getSideOutput(sessionTag),
                SESSION.bridgedTo(RowData.class));
    }

    @Override
    public void open(Configuration parameters) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("viewer", ViewerStateSerializer.INSTANCE));
        duplicates = getRuntimeContext().getMetricGroup().counter("redeliveriesDropped");
        late = getRuntimeContext().getMetricGroup().counter("lateEvents");
        newestWaiting = Long.MIN_VALUE;
        getRuntimeContext().getMetricGroup().gauge("waitingEvents", () -> waitingEvents);
        // the widest span of event time a subtask has held waiting for the watermark: what a
        // catch-up costs in state (bounded by the source's alignment)
        getRuntimeContext().getMetricGroup().gauge("maxWaitingSpanMs", () -> widestWaitingSpan);
    }

    @Override
    public void processElement(RowData row, Context context, Collector<RowData> out) throws Exception {
        long time = row.getTimestamp(eventTime, 3).getMillisecond();
        long watermark = context.timerService().currentWatermark();
        ViewerState viewer = state.value();
        if (viewer == null) {
            viewer = new ViewerState();
        }
        byte[] id = row.getString(eventId).toBytes();
        viewer.forgetIdsBefore(safeMinus(watermark, graceMillis));
        if (viewer.remembers(id)) {
            duplicates.inc();
            state.update(viewer);
            return;
        }
        viewer.remember(id, time);
        if (time <= watermark) {
            late.inc();
            context.output(lateTag, row);
        } else {
            viewer.addWaiting(new ViewerState.Waiting(time, row.getString(arrivalSeq).toBytes(),
                    Codes.eventType(row.getString(eventType)),
                    row.isNullAt(titleId) ? null : row.getString(titleId).toBytes(),
                    Codes.deviceType(row.getString(deviceType)), Codes.country(row.getString(country))));
            waitingEvents++;
            newestWaiting = Math.max(newestWaiting, time);
            if (watermark != Long.MIN_VALUE) {
                widestWaitingSpan = Math.max(widestWaitingSpan, newestWaiting - watermark);
            }
        }
        schedule(context, viewer);
        state.update(viewer);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<RowData> out) throws Exception {
        ViewerState viewer = state.value();
        if (viewer == null) {
            return; // a timer of a key whose state is gone: nothing is due
        }
        if (timestamp == viewer.fireTimer) {
            viewer.fireTimer = ViewerState.NO_TIME;
        }
        if (timestamp == viewer.cleanupTimer) {
            viewer.cleanupTimer = ViewerState.NO_TIME;
        }
        long watermark = context.timerService().currentWatermark();
        RowData key = context.getCurrentKey();
        while (!viewer.waiting.isEmpty() && viewer.waiting.get(0).time <= watermark) {
            ViewerState.Waiting event = viewer.waiting.remove(0);
            waitingEvents--;
            if (viewer.sessionOpen() && event.time - viewer.sessionLast > gapMillis) {
                emitSession(viewer, key, context);
            }
            long watched = watchedMillis(viewer, event);
            viewer.addToSession(event, watched);
            if (Codes.isPlayback(event.eventType) && event.titleId != null) {
                out.collect(watchedRow(event, key, watched));
            }
        }
        if (viewer.sessionOpen() && viewer.sessionLast + gapMillis <= watermark) {
            emitSession(viewer, key, context); // no on-time event can join it any more
        }
        viewer.forgetIdsBefore(safeMinus(watermark, graceMillis));
        if (viewer.isEmpty()) {
            state.clear();
            return;
        }
        schedule(context, viewer);
        state.update(viewer);
    }

    /** DESIGN §4: min(b − a, cap) when the previous event a keeps the same title playing within the gap; else 0. */
    private long watchedMillis(ViewerState viewer, ViewerState.Waiting event) {
        if (!viewer.sessionOpen() || !Codes.credits(viewer.lastEventType) || event.titleId == null
                || viewer.lastTitleId == null || !java.util.Arrays.equals(event.titleId, viewer.lastTitleId)) {
            return 0;
        }
        long since = event.time - viewer.sessionLast;
        return since <= gapMillis ? Math.min(since, capMillis) : 0;
    }

    /**
     * Keeps the key's timers: one at its next waiting event (an earlier event moves it, a later
     * one waits behind it), and one cleanup timer at the end of the open session or, with no
     * session, at the forgetting of the last remembered event_id. The cleanup timer is never
     * deleted: when it fires early (the session went on), it is armed again at the new end — on
     * RocksDB a timer that fires is cheaper than one deleted and registered for every event.
     */
    private void schedule(Context context, ViewerState viewer) {
        if (!viewer.waiting.isEmpty()) {
            long next = viewer.waiting.get(0).time;
            if (viewer.fireTimer == ViewerState.NO_TIME || next < viewer.fireTimer) {
                context.timerService().registerEventTimeTimer(next);
                viewer.fireTimer = next;
            }
        }
        if (viewer.cleanupTimer == ViewerState.NO_TIME) {
            long cleanup = viewer.sessionOpen() ? viewer.sessionLast + gapMillis
                    : viewer.recentIds.isEmpty() ? ViewerState.NO_TIME : viewer.newestIdTime() + graceMillis + 1;
            if (cleanup != ViewerState.NO_TIME) {
                context.timerService().registerEventTimeTimer(cleanup);
                viewer.cleanupTimer = cleanup;
            }
        }
    }

    private RowData watchedRow(ViewerState.Waiting event, RowData key, long watched) {
        GenericRowData row = new GenericRowData(7);
        row.setField(0, TimestampData.fromEpochMillis(event.time));
        row.setField(1, Codes.EVENT_TYPES[event.eventType]);
        row.setField(2, key.getString(0));
        row.setField(3, Codes.DEVICE_TYPES[event.deviceType]);
        row.setField(4, Codes.countryText(event.country));
        row.setField(5, StringData.fromBytes(event.titleId));
        row.setField(6, watched);
        return row;
    }

    private void emitSession(ViewerState viewer, RowData key, Context context) {
        StringData user = key.getString(0);
        StringData device = key.getString(1);
        GenericRowData row = new GenericRowData(12);
        row.setField(0, StringData.fromString(sessionId(user, device, viewer.sessionStart)));
        row.setField(1, user);
        row.setField(2, device);
        row.setField(3, Codes.DEVICE_TYPES[viewer.firstDeviceType]);
        row.setField(4, Codes.countryText(viewer.firstCountry));
        row.setField(5, TimestampData.fromEpochMillis(viewer.sessionStart));
        row.setField(6, TimestampData.fromEpochMillis(viewer.sessionLast));
        row.setField(7, viewer.sessionLast - viewer.sessionStart);
        row.setField(8, viewer.eventCount);
        row.setField(9, viewer.playCount);
        row.setField(10, (long) viewer.titles.size());
        row.setField(11, viewer.watchTimeMillis);
        context.output(sessionTag, row);
        viewer.closeSession();
    }

    /** DESIGN §5: the same input gives the same id — md5 of user_id|device_id|session_start (yyyy-MM-dd HH:mm:ss.SSS). */
    static String sessionId(StringData user, StringData device, long sessionStart) {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
        md5.update(user.toBytes());
        md5.update((byte) '|');
        md5.update(device.toBytes());
        md5.update((byte) '|');
        md5.update(SESSION_START_TEXT.format(Instant.ofEpochMilli(sessionStart)).getBytes(StandardCharsets.US_ASCII));
        byte[] digest = md5.digest();
        char[] text = new char[digest.length * 2];
        for (int i = 0; i < digest.length; i++) {
            text[2 * i] = HEX[(digest[i] >> 4) & 0xF];
            text[2 * i + 1] = HEX[digest[i] & 0xF];
        }
        return new String(text);
    }

    private static long safeMinus(long time, long millis) {
        return time == Long.MIN_VALUE ? Long.MIN_VALUE : time - millis;
    }

    /** The key of a row, (user_id, device_id), as a binary row: no decoding of the strings. */
    private static final class KeyOf implements KeySelector<RowData, RowData> {
        private static final long serialVersionUID = 1L;
        private final int userId;
        private final int deviceId;

        KeyOf(int userId, int deviceId) {
            this.userId = userId;
            this.deviceId = deviceId;
        }

        @Override
        public RowData getKey(RowData row) {
            BinaryRowData key = new BinaryRowData(2);
            BinaryRowWriter writer = new BinaryRowWriter(key);
            writer.writeString(0, row.getString(userId));
            writer.writeString(1, row.getString(deviceId));
            writer.complete();
            return key;
        }
    }
}
