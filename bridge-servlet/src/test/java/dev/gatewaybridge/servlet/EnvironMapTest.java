package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** EnvironMap keeps the Map contract: driven side by side with a HashMap through random operations. */
class EnvironMapTest {

    @Test
    void behavesLikeAHashMapUnderRandomPutsRemovesIterationRemovesAndSetValues() {
        Random random = new Random(3333);
        for (int run = 0; run < 200; run++) {
            EnvironMap template = new EnvironMap(8);
            Map<String, Object> expected = new HashMap<>();
            for (int i = 0; i < random.nextInt(12); i++) {
                template.put("T" + i, i);
                expected.put("T" + i, i);
            }
            Map<String, Object> map = new EnvironMap(template, random.nextInt(40));
            for (int op = 0; op < 400; op++) {
                String key = "K" + random.nextInt(60); // few keys: plenty of replacing and re-adding
                switch (random.nextInt(6)) {
                    case 0, 1 -> assertEquals(expected.put(key, op), map.put(key, op));
                    case 2 -> assertEquals(expected.remove(key), map.remove(key));
                    case 3 -> removeEveryThirdByIterator(map, expected);
                    case 4 -> setValuesThroughEntries(map, expected, op);
                    default -> assertEquals(expected.get(key), map.get(key));
                }
                assertEquals(expected.size(), map.size());
            }
            assertEquals(expected, map);
            assertEquals(map, expected);
            assertEquals(expected.hashCode(), map.hashCode());
            assertEquals(expected.keySet(), map.keySet());
        }
    }

    private static void removeEveryThirdByIterator(Map<String, Object> map, Map<String, Object> expected) {
        int n = 0;
        for (Iterator<Map.Entry<String, Object>> it = map.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Object> e = it.next();
            if (n++ % 3 == 0) {
                it.remove();
                expected.remove(e.getKey());
            }
        }
    }

    private static void setValuesThroughEntries(Map<String, Object> map, Map<String, Object> expected, int value) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            assertEquals(expected.get(e.getKey()), e.getValue());
            e.setValue(value);
            expected.put(e.getKey(), value);
        }
    }

    @Test
    void aCopyOfTheTemplateDoesNotChangeTheTemplate() {
        EnvironMap template = new EnvironMap(4);
        template.put("wsgi.version", "1.0");
        Map<String, Object> copy = new EnvironMap(template, 32);
        copy.put("wsgi.version", "changed");
        copy.put("PATH_INFO", "/x");
        copy.remove("wsgi.version");
        assertEquals(Map.of("wsgi.version", "1.0"), template);
        assertEquals(Map.of("PATH_INFO", "/x"), copy);
    }

    @Test
    void growsPastItsFirstTableAndKeepsEveryEntry() {
        Map<String, Object> map = new EnvironMap(new EnvironMap(1), 1);
        for (int i = 0; i < 5000; i++) {
            map.put("HTTP_X_" + i, i);
        }
        for (int i = 0; i < 5000; i += 2) {
            map.remove("HTTP_X_" + i);
        }
        assertEquals(2500, map.size());
        assertEquals(4999, map.get("HTTP_X_4999"));
        assertNull(map.get("HTTP_X_4998"));
        assertFalse(map.containsKey("HTTP_X_0"));
        assertTrue(map.containsKey("HTTP_X_1"));
    }

    @Test
    void nullValuesAreKeptAndNullKeysAreRefusedNamingWhy() {
        Map<String, Object> map = new EnvironMap(4);
        map.put("REMOTE_USER", null);
        assertTrue(map.containsKey("REMOTE_USER"));
        assertNull(map.get("REMOTE_USER"));
        NullPointerException e = assertThrows(NullPointerException.class, () -> map.put(null, "x"));
        assertTrue(e.getMessage().contains("environ keys"), e.getMessage());
        assertNull(map.get(null));
        assertNull(map.get(42));
    }

    @Test
    void addingWhileIteratingFailsFastAsHashMapDoes() {
        Map<String, Object> map = new EnvironMap(4);
        map.put("A", 1);
        map.put("B", 2);
        Iterator<String> keys = map.keySet().iterator();
        keys.next();
        map.put("C", 3);
        assertThrows(ConcurrentModificationException.class, keys::next);
    }
}
