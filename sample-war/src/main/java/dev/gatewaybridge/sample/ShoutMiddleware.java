package dev.gatewaybridge.sample;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;

/**
 * A sample middleware: a small application wrapping {@code next}. It adds an {@code X-Elapsed} header (the
 * microseconds {@code next} took to call start_response), upper-cases ASCII letters of a text/* body (byte
 * for byte, so a Content-Length stays right and a chunk boundary never splits a character it changes), and
 * logs the total time to wsgi.errors when the server closes the body — composed with the wrapped body's own
 * close, never replacing it.
 */
public final class ShoutMiddleware implements GatewayApplication {

    static final String ELAPSED = "X-Elapsed";

    private final GatewayApplication next;

    public ShoutMiddleware(GatewayApplication next) {
        this.next = next;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        long started = System.nanoTime();
        boolean[] text = {false};
        Iterable<byte[]> body = next.call(environ, (status, headers, excInfo) -> {
            text[0] = headers.stream().anyMatch(h -> h.is("Content-Type") && h.value().startsWith("text/"));
            List<Header> more = new ArrayList<>(headers);
            more.add(Header.of(ELAPSED, (System.nanoTime() - started) / 1000 + "us"));
            return startResponse.start(status, more, excInfo);
        });
        Iterable<byte[]> shouted = Bodies.map(body, chunk -> text[0] ? upper(chunk) : chunk);
        return Bodies.onClose(shouted, () -> log(environ, started));
    }

    /** {@code chunk} with ASCII a-z as A-Z; other bytes (UTF-8 sequences included) unchanged. */
    static byte[] upper(byte[] chunk) {
        byte[] out = chunk.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] >= 'a' && out[i] <= 'z') {
                out[i] -= 'a' - 'A';
            }
        }
        return out;
    }

    private static void log(Map<String, Object> environ, long started) {
        if (environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter errors) {
            errors.println("shout: " + Environ.get(environ, Environ.SCRIPT_NAME, "")
                    + Environ.get(environ, Environ.PATH_INFO, "") + " served in "
                    + (System.nanoTime() - started) / 1000 + "us");
            errors.flush();
        }
    }
}
