package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

import java.io.InputStream;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** wsgi.input: bounded by the body, chunked bodies, and Expect: 100-continue only when the app reads. */
class InputTest {

    /** Reads wsgi.input with a buffer larger than the body and answers "bytes|terminated". */
    private static final GatewayApplication READER = (env, start) -> {
        InputStream in = (InputStream) env.get("wsgi.input");
        byte[] buffer = new byte[1 << 16];
        StringBuilder read = new StringBuilder();
        for (int n; (n = in.read(buffer)) != -1; ) {
            read.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        start.start("200 OK", Apps.TEXT);
        return Bodies.of(read + "|" + env.get("wsgi.input_terminated"));
    };

    private static final GatewayApplication IGNORES_BODY = (env, start) -> {
        start.start("200 OK", Apps.TEXT);
        return Bodies.of("ignored");
    };

    @ParameterizedTest
    @EnumSource(Kind.class)
    void readsNeverRunPastTheBodyOfAPipelinedRequest(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, READER, "", "/*", Map.of());
             RawHttp http = RawHttp.open(c.port())) {
            http.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                    + "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye");
            assertEquals("hello|true", http.readResponse().text());
            assertEquals("bye|true", http.readResponse().text());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aChunkedBodyIsReadToItsEndWithInputTerminated(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, READER, "", "/*", Map.of())) {
            var r = RawHttp.exchange(c.port(), "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            assertEquals("hello world|true", r.text());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void expectContinueIsAnsweredWhenTheApplicationReads(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, READER, "", "/*", Map.of());
             RawHttp http = RawHttp.open(c.port())) {
            http.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n");
            var interim = http.readHead();
            assertEquals(100, interim.status(), "the reading application gets its body asked for");
            http.send("data");
            assertEquals("data|true", http.readResponse().text());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void expectContinueIsNotAnsweredWhenTheApplicationDoesNotRead(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, IGNORES_BODY, "", "/*", Map.of());
             RawHttp http = RawHttp.open(c.port())) {
            http.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n");
            var r = http.readResponse();
            assertEquals(200, r.status());
            assertTrue(r.interim().isEmpty(), "no 100 Continue for an app that never reads: " + r.interim());
            assertEquals("ignored", r.text());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMalformedChunkedBodyIsA400NotA500(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, READER, "", "/*", Map.of())) {
            var r = RawHttp.exchange(c.port(), "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n5\r\nhello\r\nzz\r\n");
            assertEquals(400, r.status(), r::toString);
            assertTrue(c.logged("400 cannot read the request body"), c.log()::toString);
        }
    }
}
