package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** PEP 3333's response rules as the client sees them on the wire, on Jetty and Tomcat. */
class ResponseRulesTest {

    private static ServletContainer serve(Kind kind, GatewayApplication app) {
        return ServletContainer.start(kind, app, "", "/*", Map.of());
    }

    /** A body of the given chunks that counts its close() calls and runs {@code between} before each chunk. */
    static final class CountingBody implements Iterable<byte[]>, AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);
        private final Iterator<byte[]> chunks;

        CountingBody(Iterator<byte[]> chunks) {
            this.chunks = chunks;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return chunks;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            closed.countDown();
        }
    }

    /** close() may run just after the client has the whole response, so wait for it, then count. */
    private static void assertClosedOnce(CountingBody body) {
        try {
            assertTrue(body.closed.await(10, TimeUnit.SECONDS), "close() was not called");
            Thread.sleep(50);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(1, body.closes.get(), "close() calls");
    }

    private static Iterator<byte[]> chunks(Object... items) {
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < items.length;
            }

            @Override
            public byte[] next() {
                Object item = items[i++];
                if (item instanceof RuntimeException e) {
                    throw e;
                }
                if (item instanceof CountDownLatch latch) {
                    await(latch);
                    return new byte[0];
                }
                return ((String) item).getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aListBodyGetsItsContentLengthAndCloseIsCalledOnce(Kind kind) {
        CountingBody body = new CountingBody(chunks("Hello, ", "world!\n"));
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", Apps.TEXT);
            return body;
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(200, r.status());
            assertEquals("Hello, world!\n", r.text());
            assertTrue(r.complete());
            assertClosedOnce(body);
        }
        try (ServletContainer c = serve(kind, Apps.text("200 OK", "Hello, world!\n"))) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals("14", r.header("Content-Length"));
            assertNull(r.header("Transfer-Encoding"));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void headersAreHeldUntilTheFirstNonEmptyChunk(Kind kind) {
        CountDownLatch release = new CountDownLatch(1);
        CountingBody body = new CountingBody(chunks("", release, "late"));
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("201 Created", Apps.TEXT);
            return body;
        }); RawHttp http = RawHttp.open(c.port())) {
            http.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            http.setTimeout(700);
            assertThrows(UncheckedIOException.class, http::readHead, "no header may leave before a non-empty chunk");
            release.countDown();
            http.setTimeout(10_000);
            var r = http.readResponse();
            assertEquals(201, r.status());
            assertEquals("late", r.text());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachChunkIsFlushedBeforeTheNextIsAskedFor(Kind kind) {
        CountDownLatch firstSeen = new CountDownLatch(1);
        CountingBody body = new CountingBody(chunks("first", firstSeen, "second"));
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", Apps.TEXT);
            return body;
        }); RawHttp http = RawHttp.open(c.port())) {
            http.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
            var head = http.readHead();
            assertEquals("chunked", head.header("Transfer-Encoding"));
            // The app waits for the client to see "first": without a flush per chunk this would deadlock.
            assertEquals("5", http.nextLine());
            assertEquals("first", new String(http.readBytes(5), StandardCharsets.US_ASCII));
            firstSeen.countDown();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void excInfoReplacesTheResponseBeforeHeadersLeft(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", List.of(Header.of("X-First", "1")));
            start.start("503 Service Unavailable", Apps.TEXT, new IllegalStateException("backend down"));
            return Bodies.of("sorry");
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(503, r.status());
            assertNull(r.header("X-First"));
            assertEquals("sorry", r.text());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void excInfoAfterHeadersLeftIsReRaisedAndTheConnectionAborted(Kind kind) {
        AtomicReference<Throwable> raised = new AtomicReference<>();
        RuntimeException failure = new IllegalStateException("late failure");
        try (ServletContainer c = serve(kind, (env, start) -> {
            var write = start.start("200 OK", Apps.TEXT);
            write.write("partial".getBytes(StandardCharsets.UTF_8));
            try {
                start.start("500 Internal Server Error", Apps.TEXT, failure);
            } catch (RuntimeException e) {
                raised.set(e);
                throw e;
            }
            return Bodies.of("never");
        })) {
            var r = RawHttp.getKeepAlive(c.port(), "/");
            assertEquals(200, r.status());
            assertFalse(r.complete(), "an aborted response must not look complete: " + r);
            assertSame(failure, raised.get());
        }
    }

    @Tag("app-violation")
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aSecondStartResponseWithoutExcInfoIsA500(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", Apps.TEXT);
            start.start("404 Not Found", Apps.TEXT);
            return Bodies.of("x");
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(500, r.status());
            assertEquals("500 Internal Server Error\n", r.text());
            assertTrue(c.logged("second time", "\"404 Not Found\""), c.log()::toString);
        }
    }

    @Tag("app-violation")
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMalformedStatusIsA500NamingTheValue(Kind kind) {
        try (ServletContainer c = serve(kind, Apps.text("200", "x"))) {
            assertEquals(500, RawHttp.get(c.port(), "/").status());
            assertTrue(c.logged("\"200\""), c.log()::toString);
            assertEquals(1, c.log().stream().filter(l -> l.contains("\"200\"")).count(), "one line: " + c.log());
        }
    }

    @Tag("app-violation")
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aHeaderValueWithCrLfIsA500AndNothingIsInjected(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", List.of(Header.of("X-Note", "a\r\nSet-Cookie: admin=1")));
            return Bodies.of("x");
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(500, r.status());
            assertNull(r.header("Set-Cookie"));
            assertTrue(c.logged("a\\r\\nSet-Cookie: admin=1"), c.log()::toString);
        }
    }

    @Tag("app-violation")
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aHopByHopHeaderFromTheApplicationIsA500(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", List.of(Header.of("Transfer-Encoding", "chunked")));
            return Bodies.of("x");
        })) {
            assertEquals(500, RawHttp.get(c.port(), "/").status());
            assertTrue(c.logged("hop-by-hop", "Transfer-Encoding"), c.log()::toString);
        }
    }

    @Tag("app-violation")
    @ParameterizedTest
    @EnumSource(Kind.class)
    void bodyBytesBeyondContentLengthAreDroppedAndLogged(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Length", "5")));
            return new CountingBody(chunks("hello", " world"));
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals("hello", r.text());
            assertTrue(r.complete());
            assertTrue(c.logged("beyond Content-Length 5"), c.log()::toString);
        }
    }

    @Tag("app-violation")
    @ParameterizedTest
    @EnumSource(Kind.class)
    void anEndlessBodyStopsAtItsContentLengthIsClosedAndLoggedOnce(Kind kind) {
        // Issue 11 §2: iterated to the end, an endless body pinned the thread and close() never ran.
        AtomicInteger asked = new AtomicInteger();
        CountingBody endless = new CountingBody(new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public byte[] next() {
                asked.incrementAndGet();
                return "ab".getBytes(StandardCharsets.US_ASCII);
            }
        });
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Length", "5")));
            return endless;
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(200, r.status());
            assertEquals("ababa", r.text());
            assertTrue(r.complete(), r::toString);
            assertClosedOnce(endless);
            assertEquals(3, asked.get(), "chunks asked for: the three that hold the 5 declared bytes");
            assertEquals(1, c.log().stream().filter(l -> l.contains("beyond Content-Length 5")).count(),
                    c.log()::toString);
        }
    }

    @Tag("app-violation")
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBodyShorterThanItsContentLengthAbortsTheConnection(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Length", "10")));
            return new CountingBody(chunks("hello"));
        })) {
            var r = RawHttp.getKeepAlive(c.port(), "/");
            assertEquals(200, r.status());
            assertFalse(r.complete(), r::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anExceptionBeforeHeadersIsA500WithAFixedBodyAndTheTraceInTheLog(Kind kind) {
        CountingBody body = new CountingBody(chunks(new IllegalStateException("secret detail")));
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", Apps.TEXT);
            return body;
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(500, r.status());
            assertEquals("500 Internal Server Error\n", r.text());
            assertTrue(c.logged("secret detail"), c.log()::toString);
            assertClosedOnce(body);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theErrorDetailFlagPutsTheTraceInThePage(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, (env, start) -> {
            throw new IllegalStateException("shown detail");
        }, "", "/*", Map.of("errorDetail", "true"))) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(500, r.status());
            assertTrue(r.text().contains("shown detail"), r.text());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anHttpStatusExceptionBeforeHeadersAnswersItsStatus(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> {
            throw new HttpStatusException(502, "backend 10.0.0.1:9000 sent garbage");
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(502, r.status());
            assertEquals("502 Bad Gateway\n", r.text());
            assertTrue(c.logged("10.0.0.1:9000"), c.log()::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anExceptionAfterHeadersAbortsTheConnectionAndCloseStillRuns(Kind kind) {
        CountingBody body = new CountingBody(chunks("first chunk", new IllegalStateException("boom")));
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", Apps.TEXT);
            return body;
        })) {
            var r = RawHttp.getKeepAlive(c.port(), "/");
            assertEquals(200, r.status());
            assertFalse(r.complete(), "truncated body must not look complete: " + r);
            assertClosedOnce(body);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aClientThatDisconnectsEndsTheIterationAndCloseStillRuns(Kind kind) throws Exception {
        AtomicInteger produced = new AtomicInteger();
        byte[] block = new byte[16 * 1024];
        CountingBody body = new CountingBody(new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public byte[] next() {
                produced.incrementAndGet();
                return block;
            }
        });
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", Apps.TEXT);
            return body;
        })) {
            try (RawHttp http = RawHttp.open(c.port())) {
                http.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
                assertEquals(200, http.readHead().status());
            }
            assertTrue(body.closed.await(10, TimeUnit.SECONDS), "close() after the client left");
            int after = produced.get();
            Thread.sleep(200);
            assertEquals(after, produced.get(), "iteration stopped");
            assertClosedOnce(body);
        }
    }

    @Tag("app-violation")
    @ParameterizedTest
    @EnumSource(Kind.class)
    void returningWithoutStartResponseIsA500(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> Bodies.of("no status"))) {
            assertEquals(500, RawHttp.get(c.port(), "/").status());
            assertTrue(c.logged("before start_response"), c.log()::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theLegacyWriteCallableSendsBeforeTheReturnedBody(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> {
            var write = start.start("200 OK", Apps.TEXT);
            write.write("written ".getBytes(StandardCharsets.UTF_8));
            return Bodies.of("returned");
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals("written returned", r.text());
            assertTrue(r.complete());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void headRunsTheApplicationAndSendsNoBody(Kind kind) {
        List<Object> methods = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServletContainer c = serve(kind, (env, start) -> {
            methods.add(env.get("REQUEST_METHOD"));
            start.start("200 OK", List.of(Header.of("Content-Type", "text/plain"), Header.of("Content-Length", "5")));
            return Bodies.of("hello");
        }); RawHttp http = RawHttp.open(c.port())) {
            http.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            var head = http.readResponse(true);
            assertEquals("HEAD", methods.get(0));
            assertEquals(200, head.status());
            assertEquals("5", head.header("Content-Length"));
            var get = http.readResponse();
            assertEquals("hello", get.text(), "no body bytes were sent for HEAD: the next response parses cleanly");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void headMayDeclareTheLengthOfTheGetBodyAndSendNone(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Type", "text/plain"), Header.of("Content-Length", "16")));
            return List.of(); // what uWSGI and php-fpm answer to HEAD
        }); RawHttp http = RawHttp.open(c.port())) {
            http.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
            var head = http.readResponse(true);
            assertEquals(200, head.status(), head::toString);
            assertEquals("16", head.header("Content-Length"));
            http.send("HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertEquals(200, http.readResponse(true).status(), "the connection survived");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anEmptyBodyGetsContentLengthZero(Kind kind) {
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("204 No Content", List.of());
            return List.of();
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(204, r.status());
            assertEquals(0, r.body().length);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theFileWrapperSendsTheFileWithItsLengthAndClosesIt(Kind kind) throws Exception {
        Path file = Files.createTempFile("body", ".bin");
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);
        Files.write(file, data);
        AtomicReference<FileChannel> channel = new AtomicReference<>();
        try (ServletContainer c = serve(kind, (env, start) -> {
            var wrapper = (dev.gatewaybridge.api.FileWrapper) env.get("wsgi.file_wrapper");
            channel.set(FileChannel.open(file));
            start.start("200 OK", List.of(Header.of("Content-Type", "application/octet-stream")));
            return wrapper.wrap(channel.get(), 8192);
        })) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(String.valueOf(data.length), r.header("Content-Length"));
            assertArrayEquals(data, r.body());
            long deadline = System.nanoTime() + 5_000_000_000L; // close() may follow the last byte the client read
            while (channel.get().isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(channel.get().isOpen(), "the file is closed with the body");
        } finally {
            Files.delete(file);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aStreamBodyIsSentWholeNeverPastItsLimitAndItsStreamClosed(Kind kind) throws Exception {
        byte[] data = new byte[1_000_000];
        new java.util.Random(3).nextBytes(data);
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        var source = new java.io.ByteArrayInputStream(data) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        int limit = 700_001;
        try (ServletContainer c = serve(kind, (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Type", "application/octet-stream")));
            return new dev.gatewaybridge.api.StreamBody(source, limit, 64 * 1024);
        })) {
            var r = RawHttp.getKeepAlive(c.port(), "/");
            assertTrue(r.complete());
            assertArrayEquals(java.util.Arrays.copyOf(data, limit), r.body());
            assertEquals(data.length - limit, source.available(), "not one byte read past the limit");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!closed.get() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(closed.get(), "the stream is closed with the body");
        }
    }
}
