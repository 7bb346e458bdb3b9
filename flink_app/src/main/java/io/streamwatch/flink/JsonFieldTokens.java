package io.streamwatch.flink;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * The top-level fields of a JSON object record, each as its JSON token wrapped in an array
 * ({@code ["u1"]}, {@code [42]}, {@code [{"a":1}]}), so that SQL can check types on the token text.
 * Fields whose value is JSON null are left out (null counts as absent). Returns SQL NULL when the
 * record is not a JSON object.
 *
 * <p>The record is parsed once. The planner inlines a view's column wherever the column is used,
 * so one row calls this function (and {@link JsonFieldValues}) many times with the same record:
 * the last parse is remembered per thread, which turns those calls into one parse. Validation
 * itself stays in SQL ({@code flink_app/sql/parsed_events.sql}).
 */
public class JsonFieldTokens extends ScalarFunction {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final ThreadLocal<Parsed> LAST = ThreadLocal.withInitial(Parsed::new);

    /** One record's fields: tokens for the type checks, unescaped scalar values for reading. */
    static final class Parsed {
        String record;
        Map<String, String> tokens;
        Map<String, String> values;

        /** The parse of {@code record}, reusing this thread's last one when it is the same text. */
        static Parsed of(String record) {
            Parsed last = LAST.get();
            if (!record.equals(last.record)) {
                last.parse(record);
            }
            return last;
        }

        private void parse(String text) {
            record = text;
            tokens = null;
            values = null;
            JsonNode root;
            try {
                root = MAPPER.readTree(text);
            } catch (JsonProcessingException notJson) {
                return;
            }
            if (root == null || !root.isObject()) {
                return;
            }
            tokens = new HashMap<>();
            values = new HashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                if (value.isNull()) {
                    continue;
                }
                tokens.put(field.getKey(), "[" + value.toString() + "]");
                if (value.isValueNode()) {
                    values.put(field.getKey(), value.asText());
                }
            }
        }
    }

    public @DataTypeHint("MAP<STRING, STRING>") Map<String, String> eval(String record) {
        return record == null ? null : Parsed.of(record).tokens;
    }
}
