package dev.gatewaybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.Write;
import dev.gatewaybridge.middleware.ValidationException;

class TestClientTest {

    private static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain"));

    @Test
    void getReturnsStatusHeadersBodyAndErrors() throws Exception {
        GatewayApplication app = (env, start) -> {
            ((PrintWriter) env.get("wsgi.errors")).println("saw " + env.get("QUERY_STRING"));
            start.start("201 Created", List.of(Header.of("Content-Type", "text/plain"), Header.of("X-A", "1")));
            return Bodies.of("made");
        };
        TestResponse r = TestClient.of(app).get("/things?x=1");
        assertEquals(201, r.status());
        assertEquals("201 Created", r.statusLine());
        assertEquals("1", r.header("x-a"));
        assertEquals("made", r.text());
        assertEquals("saw x=1\n", r.errors());
    }

    @Test
    void excInfoBeforeTheFirstNonEmptyChunkReplacesTheResponse() throws Exception {
        GatewayApplication app = (env, start) -> {
            start.start("200 OK", TEXT);
            start.start("500 Oops", TEXT, new RuntimeException("late failure"));
            return List.of(new byte[0], "sorry".getBytes(UTF_8));
        };
        TestResponse r = TestClient.of(app).get("/");
        assertEquals("500 Oops", r.statusLine());
        assertEquals("sorry", r.text());
    }

    @Test
    void excInfoAfterTheBodyStartedIsReRaised() {
        RuntimeException failure = new RuntimeException("mid-body");
        GatewayApplication app = (env, start) -> {
            Write write = start.start("200 OK", TEXT);
            write.write("partial".getBytes(UTF_8));
            start.start("500 Oops", TEXT, failure);
            return List.of();
        };
        assertSame(failure, assertThrows(RuntimeException.class, () -> TestClient.of(app).get("/")));
    }

    @Test
    void secondStartResponseWithoutExcInfoFailsEvenWithoutTheValidator() {
        GatewayApplication app = (env, start) -> {
            start.start("200 OK", TEXT);
            start.start("404 Not Found", TEXT);
            return List.of();
        };
        assertThrows(IllegalStateException.class, () -> TestClient.of(app).validator(null).get("/"));
        var e = assertThrows(ValidationException.class, () -> TestClient.of(app).get("/"));
        assertEquals("start_response.twice", e.rule());
    }

    @Test
    void hopByHopHeaderIsRefusedLikeTheServerDoes() {
        GatewayApplication app = (env, start) -> {
            start.start("200 OK", List.of(Header.of("Connection", "close")));
            return List.of();
        };
        var e = assertThrows(IllegalArgumentException.class, () -> TestClient.of(app).validator(null).get("/"));
        assertTrue(e.getMessage().contains("Connection"), e.getMessage());
    }

    @Test
    void bodyIsClosedExactlyOnceEvenWhenIterationFails() {
        AtomicInteger closes = new AtomicInteger();
        GatewayApplication app = (env, start) -> {
            start.start("200 OK", TEXT);
            Iterator<byte[]> failing = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public byte[] next() {
                    throw new IllegalStateException("disk gone");
                }
            };
            return Bodies.onClose(() -> failing, closes::incrementAndGet);
        };
        assertThrows(IllegalStateException.class, () -> TestClient.of(app).get("/"));
        assertEquals(1, closes.get());
    }

    @Test
    void startResponseCalledInTheFirstIterationIsAccepted() throws Exception {
        GatewayApplication lazy = (env, start) -> () -> new Iterator<>() {
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public byte[] next() {
                done = true;
                start.start("200 OK", TEXT);
                return "lazy".getBytes(UTF_8);
            }
        };
        assertEquals("lazy", TestClient.of(lazy).get("/").text());
    }

    @Test
    void writeDataComesBeforeTheReturnedChunks() throws Exception {
        GatewayApplication app = (env, start) -> {
            start.start("200 OK", TEXT).write("a".getBytes(UTF_8));
            return Bodies.of("b");
        };
        assertEquals("ab", TestClient.of(app).get("/").text());
    }

    @Test
    void bodyDataWithoutStartResponseFails() {
        GatewayApplication app = (env, start) -> Bodies.of("no status");
        assertThrows(IllegalStateException.class, () -> TestClient.of(app).validator(null).get("/"));
    }

    @Test
    void bodyBytesBeyondTheContentLengthAreDroppedAndLoggedLikeTheServerDoes() throws Exception {
        GatewayApplication app = (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Length", "5")));
            return Bodies.of("hello world");
        };
        TestResponse r = TestClient.of(app).validator(null).get("/");
        assertEquals("hello", r.text());
        assertTrue(r.errors().contains("beyond Content-Length 5"), r.errors());
    }

    @Test
    void postSendsTheBodyAndItsType() throws Exception {
        GatewayApplication echo = (env, start) -> {
            byte[] body = ((java.io.InputStream) env.get("wsgi.input")).readAllBytes();
            start.start("200 OK", List.of(Header.of("Content-Type", (String) env.get("CONTENT_TYPE"))));
            return List.of(body);
        };
        TestResponse r = TestClient.of(echo).post("/", "application/json", "{\"a\":1}");
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("{\"a\":1}", r.text());
    }
}
