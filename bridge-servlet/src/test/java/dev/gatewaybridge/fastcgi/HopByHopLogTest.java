package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend's hop-by-hop headers ({@code Connection: close} on every page of a real PHP wiki) are normal, as
 * nginx treats them: dropped, and logged at DEBUG (JUL FINE) once per header name per application, under the
 * FastCGI bridge's own logger, so {@code dev.gatewaybridge.fastcgi.level = FINE} turns them on (issue 14 §8).
 */
class HopByHopLogTest {

    private static final Logger JUL = Logger.getLogger("dev.gatewaybridge.fastcgi");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getMessage().contains("hop-by-hop")) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level level;

    @BeforeEach
    void listen() {
        level = JUL.getLevel();
        JUL.setLevel(Level.ALL);
        JUL.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        JUL.removeHandler(capture);
        JUL.setLevel(level);
    }

    @Test
    void hopByHopHeadersAreDroppedAndLoggedAtDebugOncePerNamePerApplication() throws Exception {
        try (TestBackend backend = new TestBackend((r, out) -> out.stdout("Content-Type: text/plain\r\n"
                + "Connection: close\r\nKeep-Alive: timeout=5\r\nX-Kept: 1\r\n\r\nok").end())) {
            for (int app = 0; app < 2; app++) {
                try (FastCgiApplication fcgi = FastCgiApplication.builder().backends(backend.backend())
                        .maxConnections(1).build()) {
                    for (int i = 0; i < 3; i++) {
                        Call call = Call.of("GET", "/").run(fcgi);
                        assertEquals("ok", call.text());
                        assertNull(call.header("Connection"));
                        assertNull(call.header("Keep-Alive"));
                        assertEquals("1", call.header("X-Kept"));
                    }
                }
            }
        }
        List<String> lines = records.stream().map(LogRecord::getMessage).toList();
        assertEquals(4, records.size(), "two names, two applications, three pages each: " + lines);
        assertTrue(records.stream().allMatch(r -> r.getLevel() == Level.FINE), "DEBUG, not WARNING: " + lines);
        assertEquals(2, lines.stream().filter(l -> l.contains("Connection: \"close\"")).count(), lines.toString());
        assertEquals(2, lines.stream().filter(l -> l.contains("Keep-Alive")).count(), lines.toString());
    }
}
