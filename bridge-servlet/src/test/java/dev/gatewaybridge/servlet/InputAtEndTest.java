package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * wsgi.input at its end: with wsgi.input_terminated an application may read until end of file, also after
 * its response reached its declared Content-Length (a lazy echo does exactly that).
 */
class InputAtEndTest {

    /** Echoes the body lazily with the request's length, reading wsgi.input until -1 (found by src-it). */
    private static final GatewayApplication LAZY_ECHO = (env, start) -> {
        InputStream in = (InputStream) env.get(Environ.WSGI_INPUT);
        start.start("200 OK", List.of(Header.of("Content-Type", "application/octet-stream"),
                Header.of("Content-Length", (String) env.get(Environ.CONTENT_LENGTH))));
        byte[] buffer = new byte[64];
        return Bodies.generate(() -> {
            int n = in.read(buffer); // until -1, on purpose
            return n < 0 ? null : Arrays.copyOf(buffer, n);
        }, null);
    };

    @ParameterizedTest
    @EnumSource(Kind.class)
    void readingToEndOfFileAfterTheDeclaredLengthWentOutGetsEndOfFileAndKeepsTheConnection(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, LAZY_ECHO, "", "/*", Map.of());
             RawHttp http = RawHttp.open(c.port())) {
            http.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals("hello", http.readResponse().text());
            http.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye");
            var second = http.readResponse();
            assertEquals(200, second.status(), "the connection must survive the first exchange: " + second);
            assertEquals("bye", second.text());
        }
    }
}
