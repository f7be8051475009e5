package dev.gatewaybridge.cgi;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;

/** A tiny gateway application run as a CGI program by {@link CgiRunner} in the tests. */
public final class RunnerDemoApp implements GatewayApplication {

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        String path = Environ.get(environ, Environ.PATH_INFO, "");
        if (path.equals("/fail")) {
            throw new IllegalStateException("asked to fail");
        }
        if (path.equals("/print")) {
            System.out.println("stray print that must not reach the client");
        }
        byte[] body = ((InputStream) environ.get(Environ.WSGI_INPUT)).readAllBytes();
        ((java.io.PrintWriter) environ.get(Environ.WSGI_ERRORS)).println("runner app log line");
        String text = "method=" + environ.get(Environ.REQUEST_METHOD)
                + "\nscript=" + environ.get(Environ.SCRIPT_NAME)
                + "\npath=" + path
                + "\nquery=" + environ.get(Environ.QUERY_STRING)
                + "\nrun_once=" + environ.get(Environ.WSGI_RUN_ONCE)
                + "\nscheme=" + environ.get(Environ.WSGI_URL_SCHEME)
                + "\ngateway=" + environ.get("GATEWAY_INTERFACE")
                + "\nbody=" + new String(body, StandardCharsets.UTF_8) + "\n";
        startResponse.start("201 Created", List.of(Header.of("Content-Type", "text/plain; charset=utf-8"),
                Header.of("X-Runner", "yes"), Header.of("Set-Cookie", "a=1"), Header.of("Set-Cookie", "b=2")));
        return List.of(new byte[0], text.getBytes(StandardCharsets.UTF_8));
    }
}
