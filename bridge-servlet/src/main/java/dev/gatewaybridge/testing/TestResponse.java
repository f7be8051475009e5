package dev.gatewaybridge.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.gatewaybridge.api.Header;

/**
 * What an application answered in a {@link TestClient} run.
 *
 * @param status     the status code, e.g. 200
 * @param statusLine the status as the application gave it, e.g. {@code "200 OK"}
 * @param headers    the response headers in order
 * @param body       all body bytes (chunks and write() calls, in order)
 * @param errors     what was written to {@code wsgi.errors} during the request (validator reports included)
 */
public record TestResponse(int status, String statusLine, List<Header> headers, byte[] body, String errors) {

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        return headers.stream().filter(h -> h.is(name)).map(Header::value).findFirst().orElse(null);
    }

    /** All values of header {@code name} (any case), in order. */
    public List<String> headers(String name) {
        return headers.stream().filter(h -> h.is(name)).map(Header::value).toList();
    }

    /** The body as UTF-8 text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return statusLine + " " + headers + " " + body.length + " bytes";
    }
}
