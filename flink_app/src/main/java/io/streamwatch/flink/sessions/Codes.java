package io.streamwatch.flink.sessions;

import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryStringData;

/**
 * The contract's enums as one-byte codes, so that what a viewing key keeps in state is small. The
 * device types are numbered in alphabetical order: the smallest code is the smallest name, which
 * is how a session's device type is chosen among the events of its first millisecond.
 */
final class Codes {

    static final byte NONE = -1;

    static final BinaryStringData[] EVENT_TYPES = strings(
            "play", "pause", "resume", "seek", "heartbeat", "stop", "search", "browse");
    static final byte PLAY = 0;
    /** play, pause, resume, seek, heartbeat and stop are playback events. */
    static final byte LAST_PLAYBACK = 5;

    static final BinaryStringData[] DEVICE_TYPES = strings("console", "mobile", "tablet", "tv", "web");

    private Codes() {}

    static byte eventType(StringData value) {
        return code(EVENT_TYPES, value, "event_type");
    }

    static byte deviceType(StringData value) {
        return code(DEVICE_TYPES, value, "device_type");
    }

    static boolean isPlayback(byte eventType) {
        return eventType >= 0 && eventType <= LAST_PLAYBACK;
    }

    /** play, resume, heartbeat and seek keep the playhead going: the time after them is watched (DESIGN §4). */
    static boolean credits(byte eventType) {
        return eventType == PLAY || eventType == 2 || eventType == 3 || eventType == 4;
    }

    /** A country code (two ASCII capitals, checked by the source) packed into an int, in alphabetical order. */
    static int country(StringData value) {
        byte[] bytes = value.toBytes();
        return (bytes[0] & 0xFF) << 8 | (bytes[1] & 0xFF);
    }

    static StringData countryText(int country) {
        return StringData.fromBytes(new byte[] {(byte) (country >>> 8), (byte) country});
    }

    private static byte code(BinaryStringData[] names, StringData value, String field) {
        for (byte i = 0; i < names.length; i++) {
            if (names[i].equals(value)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown " + field + " " + value + ": the source lets only the contract's through");
    }

    private static BinaryStringData[] strings(String... values) {
        BinaryStringData[] strings = new BinaryStringData[values.length];
        for (int i = 0; i < values.length; i++) {
            strings[i] = BinaryStringData.fromString(values[i]);
        }
        return strings;
    }
}
