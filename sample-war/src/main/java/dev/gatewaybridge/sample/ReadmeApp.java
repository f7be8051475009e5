package dev.gatewaybridge.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;

/** The project's README, packaged into the WAR by the build, as plain text (a browser shows it, not saves it). */
public final class ReadmeApp implements GatewayApplication {

    private final byte[] readme;

    public ReadmeApp() {
        try (InputStream in = ReadmeApp.class.getResourceAsStream("/sample/README.md")) {
            if (in == null) {
                throw new IllegalStateException("sample/README.md is not on the class path: build the WAR with Maven");
            }
            readme = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        startResponse.start("200 OK", List.of(
                Header.of("Content-Type", "text/plain; charset=utf-8"),
                Header.of("Content-Length", Integer.toString(readme.length))));
        return List.of(readme);
    }
}
