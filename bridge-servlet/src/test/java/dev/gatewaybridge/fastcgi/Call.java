package dev.gatewaybridge.fastcgi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;

/** Calls an application in process with an environ built from a URL, as the servlet would; for bridge tests. */
final class Call {

    final Map<String, Object> environ = new HashMap<>();
    final StringWriter errors = new StringWriter();
    String status;
    List<Header> headers = new ArrayList<>();
    byte[] body;

    /** A request for {@code method target} ({@code target} = path and query), mounted at {@code mount}. */
    static Call of(String method, String target) {
        Call c = new Call();
        URI uri = URI.create(target);
        c.environ.put(Environ.REQUEST_METHOD, method);
        c.environ.put(Environ.SCRIPT_NAME, "");
        c.environ.put(Environ.PATH_INFO, uri.getPath());
        c.environ.put(Environ.QUERY_STRING, uri.getRawQuery() == null ? "" : uri.getRawQuery());
        c.environ.put(Environ.REQUEST_URI, target);
        c.environ.put(Environ.SERVER_NAME, "localhost");
        c.environ.put(Environ.SERVER_PORT, "8080");
        c.environ.put(Environ.SERVER_PROTOCOL, "HTTP/1.1");
        c.environ.put(Environ.REMOTE_ADDR, "127.0.0.1");
        c.environ.put(Environ.REMOTE_PORT, "50000");
        c.environ.put(Environ.WSGI_URL_SCHEME, "http");
        c.environ.put(Environ.WSGI_INPUT, new ByteArrayInputStream(new byte[0]));
        c.environ.put(Environ.WSGI_ERRORS, new PrintWriter(c.errors, true));
        c.environ.put(Environ.httpKey("Host"), "localhost:8080");
        return c;
    }

    Call header(String name, String value) {
        environ.put(Environ.httpKey(name), value);
        return this;
    }

    Call body(String contentType, byte[] bytes) {
        environ.put(Environ.CONTENT_TYPE, contentType);
        environ.put(Environ.CONTENT_LENGTH, Integer.toString(bytes.length));
        environ.put(Environ.WSGI_INPUT, new ByteArrayInputStream(bytes));
        return this;
    }

    /** Runs the application to the end of the body and closes it. */
    Call run(GatewayApplication app) throws Exception {
        Iterable<byte[]> result = app.call(environ, (s, h, e) -> {
            status = s;
            headers = h;
            return data -> {
            };
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (byte[] chunk : result) {
                out.write(chunk);
            }
        } finally {
            Bodies.close(result);
        }
        body = out.toByteArray();
        return this;
    }

    int code() {
        return Integer.parseInt(status.substring(0, 3));
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
        return headers.stream().filter(h -> h.is(name)).map(Header::value).findFirst().orElse(null);
    }
}
