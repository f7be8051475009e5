package dev.gatewaybridge.sample;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;

/** The smallest application: "Hello, world!\n" as text/plain with its Content-Length. */
public final class HelloApp implements GatewayApplication {

    static final byte[] BODY = "Hello, world!\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        startResponse.start("200 OK", List.of(
                Header.of("Content-Type", "text/plain; charset=utf-8"),
                Header.of("Content-Length", Integer.toString(BODY.length))));
        return List.of(BODY);
    }
}
