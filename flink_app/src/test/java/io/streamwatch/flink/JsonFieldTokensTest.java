package io.streamwatch.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonFieldTokensTest {

    private final JsonFieldTokens function = new JsonFieldTokens();

    @Test
    void tokensKeepTheJsonTypeOfEachField() {
        Map<String, String> tokens =
                function.eval("{\"user_id\":\"u\\\"1\",\"position_ms\":42,\"n\":1.5,\"o\":{\"a\":[1]},\"t\":true}");
        assertEquals("[\"u\\\"1\"]", tokens.get("user_id"));
        assertEquals("[42]", tokens.get("position_ms"));
        assertEquals("[1.5]", tokens.get("n"));
        assertEquals("[{\"a\":[1]}]", tokens.get("o"));
        assertEquals("[true]", tokens.get("t"));
    }

    @Test
    void valuesAreUnescapedScalars() {
        Map<String, String> values =
                new JsonFieldValues().eval("{\"q\":\"o'neil \\\"x\\\" \\u00e9\",\"p\":42,\"o\":{\"a\":1},\"l\":[1],\"n\":null}");
        assertEquals("o'neil \"x\" \u00e9", values.get("q"));
        assertEquals("42", values.get("p"));
        assertEquals(2, values.size());
        assertNull(new JsonFieldValues().eval("[1]"));
    }

    @Test
    void nullFieldsAreAbsent() {
        Map<String, String> tokens = function.eval("{\"title_id\":null,\"event_id\":\"e\"}");
        assertEquals(1, tokens.size());
        assertEquals("[\"e\"]", tokens.get("event_id"));
    }

    @Test
    void anythingButAnObjectIsNull() {
        assertNull(function.eval("not json"));
        assertNull(function.eval("[1,2]"));
        assertNull(function.eval("42"));
        assertNull(function.eval("{\"a\":1} trailing"));
        assertNull(function.eval("{\"a\":1"));
        assertNull(function.eval(""));
        assertNull(function.eval(null));
    }

    @Test
    void theSameRecordIsParsedOnce() {
        String record = "{\"a\":1}";
        Map<String, String> first = function.eval(record);
        assertSame(first, function.eval(new String(record)));
        assertEquals("[2]", function.eval("{\"a\":2}").get("a"));
    }
}
