package dev.gatewaybridge.bridge;

import dev.gatewaybridge.config.ConfigReader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.config.ConfigReader;

/** The shared body buffer: memory then file, replayable, 413 and 400, and its parameters. */
class BufferedBodyTest {

    private static final BodyLimits LIMITS = new BodyLimits("t.", true, 1024, 10_000, Duration.ofSeconds(5), 0);

    private static Map<String, Object> environ(byte[] body) {
        Map<String, Object> env = new HashMap<>();
        env.put(Environ.WSGI_INPUT, new ByteArrayInputStream(body));
        env.put(Environ.REMOTE_ADDR, "192.0.2.7");
        return env;
    }

    @Test
    void aBodyOverTheMemoryBufferIsInAFileAndCanBeReadTwice() throws Exception {
        byte[] body = new byte[5000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        try (BufferedBody b = BufferedBody.read(environ(body), BodyLength.UNTIL_END, LIMITS)) {
            assertEquals(5000, b.length());
            assertNull(b.bytes(), "past 1 KiB: in a file");
            assertArrayEquals(body, b.open().readAllBytes());
            assertArrayEquals(body, b.open().readAllBytes(), "replayed from the start");
        }
    }

    @Test
    void aSmallBodyStaysInMemory() throws Exception {
        try (BufferedBody b = BufferedBody.read(environ("hello".getBytes()), 5, LIMITS)) {
            assertArrayEquals("hello".getBytes(), b.bytes());
        }
    }

    @Test
    void tooLargeIs413AndShortIs400NamingTheFigures() {
        var declared = assertThrows(HttpStatusException.class, () -> BufferedBody.read(environ(new byte[0]), 10_001, LIMITS));
        assertEquals(413, declared.status());
        assertTrue(declared.getMessage().contains("t.maxBodySize (10000 bytes): Content-Length 10001"), declared.getMessage());
        var chunked = assertThrows(HttpStatusException.class,
                () -> BufferedBody.read(environ(new byte[20_000]), BodyLength.UNTIL_END, LIMITS));
        assertEquals(413, chunked.status());
        var shortBody = assertThrows(HttpStatusException.class, () -> BufferedBody.read(environ(new byte[3000]), 4000, LIMITS));
        assertEquals(400, shortBody.status());
        assertTrue(shortBody.getMessage().contains("after 3000 of 4000 bytes"), shortBody.getMessage());
    }

    @Test
    void parametersAreReadUnderThePrefixAndABadOneIsNamed() {
        BodyLimits l = BodyLimits.from(new ConfigReader(Map.of("x.maxBodySize", "2m", "x.bodyTimeout", "750ms",
                "x.bodyMinRate", "0", "x.requestBuffering", "false"), "x."), true);
        assertEquals(2 << 20, l.maxBodySize());
        assertEquals(Duration.ofMillis(750), l.timeout());
        assertEquals(0, l.minRate());
        assertEquals(false, l.buffering());
        var bad = assertThrows(IllegalArgumentException.class,
                () -> BodyLimits.from(new ConfigReader(Map.of("x.bodyBufferSize", "big"), "x."), true));
        assertTrue(bad.getMessage().contains("x.bodyBufferSize") && bad.getMessage().contains("big"), bad.getMessage());
    }
}
