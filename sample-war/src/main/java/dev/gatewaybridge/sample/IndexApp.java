package dev.gatewaybridge.sample;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;

/** The sample's home page: a list of its pages, linked relative to where the WAR is deployed. */
public final class IndexApp implements GatewayApplication {

    private static final String[][] PAGES = {
            {"hello", "Hello, world! as text/plain with a Content-Length"},
            {"environ/some/path?a=1", "the environ of this request, as JSON"},
            {"echo", "POST a body: it comes back, streamed, with its Content-Type"},
            {"stream?chunks=5&size=16", "N chunks of M bytes, each flushed on its own"},
            {"middleware/hello", "hello wrapped by a middleware (X-Elapsed header, upper-cased body)"},
            {"mw/items", "the bundled middleware: UrlMap mounts, XsltFilter renders XML, ErrorPages, TrustedProxies"},
            {"cgi-bin/printenv.pl", "a CGI script (Perl) run by the CGI bridge; also hello.sh, form.py, redirect.sh"},
    };

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        String base = Environ.get(environ, Environ.SCRIPT_NAME, "");
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                + "<title>Gateway Bridge sample</title></head><body>\n<h1>Gateway Bridge sample</h1>\n<ul>\n");
        for (String[] page : PAGES) {
            html.append("<li><a href=\"").append(base.isEmpty() ? "/" : base.endsWith("/") ? base : base + "/")
                    .append(page[0].replace("&", "&amp;")).append("\">").append(page[0].replace("&", "&amp;"))
                    .append("</a> — ").append(page[1]).append("</li>\n");
        }
        byte[] body = html.append("</ul>\n</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(
                Header.of("Content-Type", "text/html; charset=utf-8"),
                Header.of("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }
}
