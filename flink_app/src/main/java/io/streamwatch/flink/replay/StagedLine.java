package io.streamwatch.flink.replay;

import java.io.IOException;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonToken;

/**
 * A line of a staged raw zone, {@code [arrival_epoch_millis, shard_id|null, sequence_number|null,
 * "record"]}, read into reused fields. The staging file is the project's own: a line that does not
 * have this form is a bug, and fails the replay with its number.
 */
final class StagedLine {

    private static final JsonFactory JSON = new JsonFactory();

    long arrivalMillis;
    String shardId;
    String sequenceNumber;
    String record;

    void read(String line, long number) throws IOException {
        try (JsonParser parser = JSON.createParser(line)) {
            expect(parser.nextToken() == JsonToken.START_ARRAY, number);
            expect(parser.nextToken() == JsonToken.VALUE_NUMBER_INT, number);
            arrivalMillis = parser.getLongValue();
            shardId = nullableText(parser, number);
            sequenceNumber = nullableText(parser, number);
            expect(parser.nextToken() == JsonToken.VALUE_STRING, number);
            record = parser.getText();
            expect(parser.nextToken() == JsonToken.END_ARRAY, number);
        }
    }

    private static String nullableText(JsonParser parser, long number) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(token == JsonToken.VALUE_STRING, number);
        return parser.getText();
    }

    private static void expect(boolean condition, long number) {
        if (!condition) {
            throw new IllegalStateException("staged replay record " + number
                    + " is not [arrival_epoch_millis, shard_id, sequence_number, record]: restage the input");
        }
    }
}
