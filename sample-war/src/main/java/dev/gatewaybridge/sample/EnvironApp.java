package dev.gatewaybridge.sample;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;

/**
 * The environ the server built for this request, as a JSON object with sorted keys. Values that are not
 * strings, numbers or booleans (wsgi.input, wsgi.errors, wsgi.version …) appear as their class name.
 */
public final class EnvironApp implements GatewayApplication {

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        byte[] body = Json.object(new TreeMap<>(environ)).getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(
                Header.of("Content-Type", "application/json"),
                Header.of("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }
}
