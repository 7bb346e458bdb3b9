package io.streamwatch.flink.sessions;

import java.io.IOException;
import java.util.List;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A compact binary form of {@link ViewerState}: on RocksDB (the service's state backend) every
 * event reads and writes it once, so it is a few dozen bytes, with strings as their UTF-8 bytes
 * and enums as one-byte codes. Byte arrays are never changed once built, so a copy shares them.
 */
public final class ViewerStateSerializer extends TypeSerializerSingleton<ViewerState> {

    private static final long serialVersionUID = 1L;
    static final ViewerStateSerializer INSTANCE = new ViewerStateSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ViewerState createInstance() {
        return new ViewerState();
    }

    @Override
    public ViewerState copy(ViewerState from) {
        ViewerState to = new ViewerState();
        to.recentIds.addAll(from.recentIds);
        to.recentTimes.addAll(from.recentTimes);
        to.waiting.addAll(from.waiting); // Waiting is immutable
        to.sessionStart = from.sessionStart;
        to.sessionLast = from.sessionLast;
        to.eventCount = from.eventCount;
        to.playCount = from.playCount;
        to.watchTimeMillis = from.watchTimeMillis;
        to.firstDeviceType = from.firstDeviceType;
        to.firstCountry = from.firstCountry;
        to.titles.addAll(from.titles);
        to.lastEventType = from.lastEventType;
        to.lastTitleId = from.lastTitleId;
        to.fireTimer = from.fireTimer;
        to.cleanupTimer = from.cleanupTimer;
        return to;
    }

    @Override
    public ViewerState copy(ViewerState from, ViewerState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ViewerState state, DataOutputView out) throws IOException {
        out.writeInt(state.recentIds.size());
        for (int i = 0; i < state.recentIds.size(); i++) {
            writeBytes(state.recentIds.get(i), out);
            out.writeLong(state.recentTimes.get(i));
        }
        out.writeInt(state.waiting.size());
        for (ViewerState.Waiting event : state.waiting) {
            out.writeLong(event.time);
            writeBytes(event.arrivalSeq, out);
            out.writeByte(event.eventType);
            writeNullableBytes(event.titleId, out);
            out.writeByte(event.deviceType);
            out.writeShort(event.country);
        }
        out.writeLong(state.sessionStart);
        if (state.sessionOpen()) {
            out.writeLong(state.sessionLast);
            out.writeLong(state.eventCount);
            out.writeLong(state.playCount);
            out.writeLong(state.watchTimeMillis);
            out.writeByte(state.firstDeviceType);
            out.writeShort(state.firstCountry);
            writeList(state.titles, out);
            out.writeByte(state.lastEventType);
            writeNullableBytes(state.lastTitleId, out);
        }
        out.writeLong(state.fireTimer);
        out.writeLong(state.cleanupTimer);
    }

    @Override
    public ViewerState deserialize(DataInputView in) throws IOException {
        ViewerState state = new ViewerState();
        int ids = in.readInt();
        for (int i = 0; i < ids; i++) {
            state.recentIds.add(readBytes(in));
            state.recentTimes.add(in.readLong());
        }
        int waiting = in.readInt();
        for (int i = 0; i < waiting; i++) {
            state.waiting.add(new ViewerState.Waiting(in.readLong(), readBytes(in), in.readByte(),
                    readNullableBytes(in), in.readByte(), in.readShort() & 0xFFFF));
        }
        state.sessionStart = in.readLong();
        if (state.sessionOpen()) {
            state.sessionLast = in.readLong();
            state.eventCount = in.readLong();
            state.playCount = in.readLong();
            state.watchTimeMillis = in.readLong();
            state.firstDeviceType = in.readByte();
            state.firstCountry = in.readShort() & 0xFFFF;
            readList(state.titles, in);
            state.lastEventType = in.readByte();
            state.lastTitleId = readNullableBytes(in);
        }
        state.fireTimer = in.readLong();
        state.cleanupTimer = in.readLong();
        return state;
    }

    @Override
    public ViewerState deserialize(ViewerState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<ViewerState> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeList(List<byte[]> values, DataOutputView out) throws IOException {
        out.writeInt(values.size());
        for (byte[] value : values) {
            writeBytes(value, out);
        }
    }

    private static void readList(List<byte[]> values, DataInputView in) throws IOException {
        int size = in.readInt();
        for (int i = 0; i < size; i++) {
            values.add(readBytes(in));
        }
    }

    private static void writeBytes(byte[] value, DataOutputView out) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        return value;
    }

    private static void writeNullableBytes(byte[] value, DataOutputView out) throws IOException {
        out.writeInt(value == null ? -1 : value.length);
        if (value != null) {
            out.write(value);
        }
    }

    private static byte[] readNullableBytes(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }

    /** Restores the serializer from a checkpoint (the format has one version). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ViewerState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
