package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FCGI_GET_VALUES (§4.1) is asked at start-up, once, and only when the configuration does not give the
 * capacity: the first request after deploy never waits for a backend that does not answer it (uWSGI).
 */
class FastCgiStartupTest {

    private static final String OK = "Content-Type: text/plain\r\n\r\nok";
    private static final Logger JUL = Logger.getLogger(ConnectionPool.class.getName());
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        JUL.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        JUL.removeHandler(capture);
    }

    @Test
    void withMaxConnectionsConfiguredTheBackendIsNeverAsked() throws Exception {
        try (TestBackend backend = new TestBackend(null, false, (r, out) -> out.stdout(OK).end());
             FastCgiApplication fcgi = FastCgiApplication.builder().backends(backend.backend()).maxConnections(3)
                     .build()) {
            assertEquals("ok", Call.of("GET", "/").run(fcgi).text());
            assertEquals(0, backend.getValues.get(), "no FCGI_GET_VALUES sent");
            assertEquals(1, backend.accepted.get(), "no probe connection: the request's is the only one");
            assertEquals(3, fcgi.pools().get(0).maxConnections());
        }
    }

    @Test
    void withoutMaxConnectionsTheBackendIsAskedAtStartUpBeforeAnyRequest() throws Exception {
        Map<String, String> values = Map.of(FCGI_MAX_CONNS, "4", FCGI_MAX_REQS, "4", FCGI_MPXS_CONNS, "0");
        try (TestBackend backend = new TestBackend(values, false, (r, out) -> out.stdout(OK).end());
             FastCgiApplication fcgi = FastCgiApplication.builder().backends(backend.backend()).build()) {
            assertEquals(1, backend.getValues.get(), "asked while the application was built");
            assertEquals(0, backend.requests.get());
            assertEquals(4, fcgi.pools().get(0).maxConnections(), "learned before the first request");
            assertEquals("ok", Call.of("GET", "/").run(fcgi).text());
            assertEquals("ok", Call.of("GET", "/").run(fcgi).text());
            assertEquals(1, backend.getValues.get(), "asked once");
            List<String> lines = info();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains(backend.backend()) && lines.get(0).contains("FCGI_MAX_CONNS=4")
                    && lines.get(0).contains("FCGI_MAX_REQS=4") && lines.get(0).contains("FCGI_MPXS_CONNS=0"), lines.get(0));
        }
    }

    @Test
    void aBackendThatNeverAnswersIsAskedOnceAtStartUpAndNotAgainInTheFirstRequest() throws Exception {
        try (TestBackend backend = new TestBackend(null, false, (r, out) -> out.stdout(OK).end());
             FastCgiApplication fcgi = FastCgiApplication.builder().backends(backend.backend()).build()) {
            assertEquals(1, backend.getValues.get(), "asked while the application was built");
            assertEquals("ok", Call.of("GET", "/").run(fcgi).text());
            assertEquals(1, backend.getValues.get(), "the first request did not ask (and wait) again");
            assertEquals(FastCgiSettings.DEFAULT_MAX_CONNECTIONS, fcgi.pools().get(0).maxConnections());
            List<String> lines = info();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains(backend.backend()) && lines.get(0).contains("no answer"), lines.get(0));
        }
    }

    @Test
    void aBackendDownAtStartUpDoesNotFailTheStartAndIsAskedLater() throws Exception {
        int port = dev.gatewaybridge.test.Peers.freePort();
        try (FastCgiApplication fcgi = FastCgiApplication.builder().backends("127.0.0.1:" + port).build()) {
            assertEquals(FastCgiSettings.DEFAULT_MAX_CONNECTIONS, fcgi.pools().get(0).maxConnections());
            assertTrue(info().stream().anyMatch(l -> l.contains("not reachable at start-up")), info().toString());
        }
    }

    private List<String> info() {
        return records.stream().filter(r -> r.getLevel() == Level.INFO).map(LogRecord::getMessage).toList();
    }
}
