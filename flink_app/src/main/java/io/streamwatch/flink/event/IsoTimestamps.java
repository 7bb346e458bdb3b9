package io.streamwatch.flink.event;

/**
 * Reads the contract's {@code event_ts} (DESIGN §3): ISO-8601 {@code yyyy-MM-ddTHH:mm:ss}, an
 * optional fraction of 1 to 9 digits (truncated to milliseconds), then {@code Z}, {@code z} or an
 * offset {@code ±HH:MM} / {@code ±HHMM}. The date and time must exist in the calendar
 * (2026-02-30 does not, nor does 24:00 or a 60th second).
 *
 * <p>Hand-written rather than java.time, which is an order of magnitude slower and accepts
 * forms the contract does not (e.g. a missing seconds field).
 */
public final class IsoTimestamps {

    /** Returned by {@link #epochMillis} for a text that is not a contract timestamp. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private IsoTimestamps() {}

    /** Epoch milliseconds (UTC) of {@code text}, or {@link #INVALID}. */
    public static long epochMillis(String text) {
        int length = text.length();
        if (length < 20) {
            return INVALID;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 1 || month < 1 || day < 1 || hour < 0 || minute < 0 || second < 0
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return INVALID;
        }
        if (month > 12 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
            return INVALID;
        }
        int position = 19;
        int millis = 0;
        if (text.charAt(position) == '.') {
            int start = ++position;
            while (position < length && isDigit(text.charAt(position))) {
                position++;
            }
            int fractionDigits = position - start;
            if (fractionDigits < 1 || fractionDigits > 9) {
                return INVALID;
            }
            for (int i = 0; i < 3; i++) {
                millis = millis * 10 + (i < fractionDigits ? text.charAt(start + i) - '0' : 0);
            }
        }
        if (position >= length) {
            return INVALID;
        }
        int offsetMinutes;
        char zone = text.charAt(position);
        if (zone == 'Z' || zone == 'z') {
            if (position + 1 != length) {
                return INVALID;
            }
            offsetMinutes = 0;
        } else if (zone == '+' || zone == '-') {
            int rest = length - position - 1;
            int offsetHours = digits(text, position + 1, 2);
            int offsetMins;
            if (rest == 5 && text.charAt(position + 3) == ':') {
                offsetMins = digits(text, position + 4, 2);
            } else if (rest == 4) {
                offsetMins = digits(text, position + 3, 2);
            } else {
                return INVALID;
            }
            if (offsetHours < 0 || offsetMins < 0) {
                return INVALID;
            }
            offsetMinutes = (offsetHours * 60 + offsetMins) * (zone == '-' ? -1 : 1);
        } else {
            return INVALID;
        }
        long days = daysFromCivil(year, month, day);
        long seconds = days * 86_400L + hour * 3_600L + minute * 60L + second - offsetMinutes * 60L;
        return seconds * 1000L + millis;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The non-negative number written by {@code count} ASCII digits at {@code from}, else -1. */
    private static int digits(String text, int from, int count) {
        if (from + count > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int daysInMonth(int year, int month) {
        if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
            return 29;
        }
        return DAYS_IN_MONTH[month - 1];
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468L;
    }
}
