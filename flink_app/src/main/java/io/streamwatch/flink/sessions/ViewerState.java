package io.streamwatch.flink.sessions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything the job keeps for one viewing key (user_id, device_id), in one value so that an event
 * costs one read and one write of state:
 *
 * <ul>
 *   <li>the event_ids of its recent events, with their event times, until the watermark has passed
 *       them by the dedup's grace period (a redelivery after that is late anyway);
 *   <li>its on-time events that wait for the watermark, in event-time then arrival order;
 *   <li>its open session: start, last event (type and title: the "previous event" of watched
 *       time), counts, distinct titles, watch time, device type and country of its first event;
 *   <li>the key's two event-time timers: one to take its next waiting event, one to close its
 *       session and forget its ids (re-armed when it fires early, never deleted).
 * </ul>
 */
final class ViewerState {

    static final long NO_TIME = Long.MIN_VALUE;

    /** An on-time event waiting for the watermark: what the session and the windows need of it. */
    static final class Waiting {
        final long time;
        final byte[] arrivalSeq; // decimal ASCII, shorter is earlier
        final byte eventType;
        final byte[] titleId; // null for search and browse
        final byte deviceType;
        final int country;

        Waiting(long time, byte[] arrivalSeq, byte eventType, byte[] titleId, byte deviceType, int country) {
            this.time = time;
            this.arrivalSeq = arrivalSeq;
            this.eventType = eventType;
            this.titleId = titleId;
            this.deviceType = deviceType;
            this.country = country;
        }

        /** Event time, then arrival. */
        int compareTo(Waiting other) {
            if (time != other.time) {
                return Long.compare(time, other.time);
            }
            return compareArrival(arrivalSeq, other.arrivalSeq);
        }
    }

    final List<byte[]> recentIds = new ArrayList<>(2);
    final List<Long> recentTimes = new ArrayList<>(2);
    final List<Waiting> waiting = new ArrayList<>(2);

    long sessionStart = NO_TIME;
    long sessionLast = NO_TIME;
    long eventCount;
    long playCount;
    long watchTimeMillis;
    byte firstDeviceType = Codes.NONE;
    int firstCountry;
    final List<byte[]> titles = new ArrayList<>(2);
    byte lastEventType = Codes.NONE;
    byte[] lastTitleId;

    long fireTimer = NO_TIME;
    long cleanupTimer = NO_TIME;

    boolean sessionOpen() {
        return sessionStart != NO_TIME;
    }

    boolean isEmpty() {
        return recentIds.isEmpty() && waiting.isEmpty() && !sessionOpen();
    }

    boolean remembers(byte[] eventId) {
        for (byte[] id : recentIds) {
            if (Arrays.equals(id, eventId)) {
                return true;
            }
        }
        return false;
    }

    void remember(byte[] eventId, long time) {
        recentIds.add(eventId);
        recentTimes.add(time);
    }

    /** Forgets the ids of events older than {@code time}. */
    void forgetIdsBefore(long time) {
        for (int i = recentIds.size() - 1; i >= 0; i--) {
            if (recentTimes.get(i) < time) {
                recentIds.remove(i);
                recentTimes.remove(i);
            }
        }
    }

    long newestIdTime() {
        long newest = NO_TIME;
        for (long time : recentTimes) {
            newest = Math.max(newest, time);
        }
        return newest;
    }

    void addWaiting(Waiting event) {
        int at = waiting.size();
        while (at > 0 && waiting.get(at - 1).compareTo(event) > 0) {
            at--;
        }
        waiting.add(at, event);
    }

    /** Adds an event (in event-time order) to the open session, opening one if there is none. */
    void addToSession(Waiting event, long watchedMillis) {
        if (!sessionOpen()) {
            sessionStart = event.time;
            firstDeviceType = event.deviceType;
            firstCountry = event.country;
        } else if (event.time == sessionStart) { // the first millisecond's smallest values (DESIGN §5 leaves ties open)
            firstDeviceType = (byte) Math.min(firstDeviceType, event.deviceType);
            firstCountry = Math.min(firstCountry, event.country);
        }
        sessionLast = event.time;
        eventCount++;
        if (event.eventType == Codes.PLAY) {
            playCount++;
        }
        if (event.titleId != null && !containsTitle(event.titleId)) {
            titles.add(event.titleId);
        }
        watchTimeMillis += watchedMillis;
        lastEventType = event.eventType;
        lastTitleId = event.titleId;
    }

    void closeSession() {
        sessionStart = NO_TIME;
        sessionLast = NO_TIME;
        eventCount = 0;
        playCount = 0;
        watchTimeMillis = 0;
        firstDeviceType = Codes.NONE;
        firstCountry = 0;
        titles.clear();
        lastEventType = Codes.NONE;
        lastTitleId = null;
    }

    private boolean containsTitle(byte[] titleId) {
        for (byte[] title : titles) {
            if (Arrays.equals(title, titleId)) {
                return true;
            }
        }
        return false;
    }

    /** Arrival sequences are non-negative decimal integers of any length: shorter is earlier. */
    static int compareArrival(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return Integer.compare(a.length, b.length);
        }
        return Arrays.compare(a, b);
    }
}
