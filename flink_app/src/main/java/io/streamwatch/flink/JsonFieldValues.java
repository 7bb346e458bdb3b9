package io.streamwatch.flink;

import java.util.Map;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * The top-level scalar fields of a JSON object record as text: strings unescaped, numbers and
 * booleans as written. Objects, arrays and nulls are left out; SQL NULL when the record is not a
 * JSON object. Shares the per-thread parse of {@link JsonFieldTokens}, so a record is parsed once
 * for both functions. The SQL checks the type on the token before it trusts a value.
 */
public class JsonFieldValues extends ScalarFunction {

    public @DataTypeHint("MAP<STRING, STRING>") Map<String, String> eval(String record) {
        return record == null ? null : JsonFieldTokens.Parsed.of(record).values;
    }
}
