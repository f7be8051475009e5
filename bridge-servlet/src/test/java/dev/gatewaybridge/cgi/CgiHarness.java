package dev.gatewaybridge.cgi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HttpStatusException;

/** Calls a gateway application in process with a hand-built environ, as a server would. */
final class CgiHarness {

    private CgiHarness() {
    }

    /** What the application answered. */
    record Result(int status, String statusLine, List<Header> headers, byte[] body, String errors) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.stream().filter(h -> h.is(name)).map(Header::value).findFirst().orElse(null);
        }
    }

    /** A GET environ for {@code mount + pathInfo ? query}. */
    static Map<String, Object> environ(String method, String mount, String pathInfo, String query) {
        Map<String, Object> env = new HashMap<>();
        env.put(Environ.REQUEST_METHOD, method);
        env.put(Environ.SCRIPT_NAME, mount);
        env.put(Environ.PATH_INFO, pathInfo);
        env.put(Environ.QUERY_STRING, query);
        env.put(Environ.REQUEST_URI, mount + pathInfo + (query.isEmpty() ? "" : "?" + query));
        env.put(Environ.SERVER_NAME, "localhost");
        env.put(Environ.SERVER_PORT, "8080");
        env.put(Environ.SERVER_PROTOCOL, "HTTP/1.1");
        env.put(Environ.REMOTE_ADDR, "127.0.0.1");
        env.put(Environ.REMOTE_PORT, "50000");
        env.put(Environ.WSGI_URL_SCHEME, "http");
        env.put(Environ.WSGI_VERSION, List.of(1, 0));
        env.put(Environ.WSGI_INPUT, new ByteArrayInputStream(new byte[0]));
        env.put(Environ.WSGI_MULTITHREAD, true);
        env.put(Environ.WSGI_MULTIPROCESS, false);
        env.put(Environ.WSGI_RUN_ONCE, false);
        env.put(Environ.WSGI_INPUT_TERMINATED, true);
        env.put(Environ.httpKey("Host"), "localhost:8080");
        return env;
    }

    static Map<String, Object> post(String mount, String pathInfo, byte[] body) {
        Map<String, Object> env = environ("POST", mount, pathInfo, "");
        env.put(Environ.CONTENT_LENGTH, Integer.toString(body.length));
        env.put(Environ.CONTENT_TYPE, "application/octet-stream");
        env.put(Environ.WSGI_INPUT, new ByteArrayInputStream(body));
        return env;
    }

    /**
     * Runs {@code app} like a server: start_response recorded, body iterated and closed; an
     * {@link HttpStatusException} before the start becomes that status.
     */
    static Result run(GatewayApplication app, Map<String, Object> environ) throws Exception {
        StringWriter errors = new StringWriter();
        environ.putIfAbsent(Environ.WSGI_ERRORS, new PrintWriter(errors, true));
        String[] status = new String[1];
        List<Header> headers = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Iterable<byte[]> body;
        try {
            body = app.call(environ, (s, h, exc) -> {
                status[0] = s;
                headers.clear();
                headers.addAll(h);
                return out::write;
            });
        } catch (HttpStatusException e) {
            return new Result(e.status(), e.status() + " " + e.getMessage(), List.of(), new byte[0],
                    errors.toString());
        }
        try {
            for (byte[] chunk : body) {
                out.write(chunk);
            }
        } finally {
            Bodies.close(body);
        }
        return new Result(Integer.parseInt(status[0].substring(0, 3)), status[0], headers, out.toByteArray(),
                errors.toString());
    }

    /** Writes an executable script. */
    static Path script(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** Parses "NAME=value" lines of env output. */
    static Map<String, String> envLines(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }
}
