package dev.gatewaybridge.bench;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.api.StreamBody;

/** The gateway applications benchmarked: the same as the sample WAR's hello and echo. */
final class BenchApps {

    static final byte[] HELLO = "Hello, world!\n".getBytes(StandardCharsets.US_ASCII);
    static final String TEXT = "text/plain; charset=utf-8";
    static final int CHUNK = 64 * 1024;

    private BenchApps() {
    }

    static final class Hello implements GatewayApplication {
        private static final List<Header> HEADERS = List.of(Header.of("Content-Type", TEXT),
                Header.of("Content-Length", Integer.toString(HELLO.length)));

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
            startResponse.start("200 OK", HEADERS);
            return List.of(HELLO);
        }
    }

    /** Reads wsgi.input one 64 KiB chunk per body chunk, stopping at the declared length, as the sample's EchoApp does. */
    static final class Echo implements GatewayApplication {
        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
            List<Header> headers = new ArrayList<>();
            headers.add(Header.of("Content-Type",
                    Environ.get(environ, Environ.CONTENT_TYPE, "application/octet-stream")));
            String declared = Environ.get(environ, Environ.CONTENT_LENGTH, null);
            if (declared != null) {
                headers.add(Header.of("Content-Length", declared));
            }
            startResponse.start("200 OK", headers);
            InputStream input = (InputStream) environ.get(Environ.WSGI_INPUT);
            return new StreamBody(input, declared == null ? -1 : Long.parseLong(declared), CHUNK);
        }
    }
}
