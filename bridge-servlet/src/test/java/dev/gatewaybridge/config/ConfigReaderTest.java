package dev.gatewaybridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import dev.gatewaybridge.upstream.Timeouts;

import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    @Test
    void parsesDurationsWithUnits() {
        assertEquals(Duration.ofMillis(500), ConfigReader.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(30), ConfigReader.parseDuration("30"));
        assertEquals(Duration.ofSeconds(30), ConfigReader.parseDuration("30s"));
        assertEquals(Duration.ofMinutes(2), ConfigReader.parseDuration("2m"));
        assertThrows(IllegalArgumentException.class, () -> ConfigReader.parseDuration("0"));
        assertThrows(IllegalArgumentException.class, () -> ConfigReader.parseDuration("soon"));
    }

    @Test
    void aBadValueFailsNamingTheParamAndTheValue() {
        var r = new ConfigReader(Map.of("scgi.readTimeout", "soon", "scgi.maxFails", "-1", "scgi.x", "maybe"), "scgi.");
        var e = assertThrows(IllegalArgumentException.class, () -> Timeouts.from(r));
        assertTrue(e.getMessage().contains("scgi.readTimeout") && e.getMessage().contains("soon"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.integer("maxFails", 1, 0));
        assertThrows(IllegalArgumentException.class, () -> r.bool("x", false));
    }

    @Test
    void anUnknownParamUnderThePrefixIsRejected() {
        var r = new ConfigReader(Map.of("scgi.backend", "a:1", "other", "x"), "scgi.");
        var e = assertThrows(IllegalArgumentException.class, () -> r.rejectUnknown(Set.of("backends")));
        assertTrue(e.getMessage().contains("scgi.backend"), e.getMessage());
    }
}
