package dev.gatewaybridge.sample;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;

/** The sample's home page: each sample in one line, linked relative to where the WAR is deployed. */
public final class IndexApp implements GatewayApplication {

    /** A link and what it shows. */
    private record Page(String href, String shows) {
    }

    private static final List<Page> JAVA = List.of(
            new Page("hello", "the smallest application: text/plain with its Content-Length"),
            new Page("environ/some/path?a=1", "the PEP 3333 environ of this request, as JSON"),
            new Page("stream?chunks=5&size=16", "a body in N chunks of M bytes, each flushed on its own"),
            new Page("middleware/hello", "hello wrapped by a middleware of the sample (X-Elapsed, upper-cased)"),
            new Page("mw/items", "the bundled middleware: UrlMap mounts, XsltFilter renders XML, ErrorPages"));
    private static final List<Page> CGI = List.of(
            new Page("cgi-bin/printenv.pl", "Perl: the CGI/1.1 environment the bridge gives a program"),
            new Page("cgi-bin/hello.sh", "shell: the smallest CGI program"),
            new Page("cgi-bin/form.py", "Python: a form whose POST the program reads from stdin"),
            new Page("cgi-bin/redirect.sh", "shell: a local redirect (RFC 3875 §6.2.2), answered with hello.sh"));
    private static final String STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:46em;margin:2em auto;"
            + "padding:0 1em;color:#222}h1{font-size:1.6em}h2{font-size:1.15em;margin-top:1.6em}"
            + "li{margin:.3em 0}code,a{font-family:ui-monospace,monospace}form{margin:.5em 0 0 1.5em}";

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        String base = Environ.get(environ, Environ.SCRIPT_NAME, "") + "/";
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Gateway Bridge sample</title><style>" + STYLE + "</style></head><body>\n"
                + "<h1>Gateway Bridge sample</h1>\n<p>Gateway applications in this servlet container, each a "
                + "<code>GatewayServlet</code> of <code>WEB-INF/web.xml</code>. The <a href=\"" + base
                + "README.md\">README</a> explains them and how to write your own.</p>\n");
        list(html, "Java applications", JAVA, base);
        html.append("<form method=\"post\" enctype=\"text/plain\" action=\"").append(base)
                .append("echo\">echo: POST a body, it comes back with its Content-Type: ")
                .append("<input name=\"message\" value=\"hello\"> <button>POST</button></form>\n");
        list(html, "CGI programs, run by the CGI bridge", CGI, base);
        byte[] body = html.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(
                Header.of("Content-Type", "text/html; charset=utf-8"),
                Header.of("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }

    private static void list(StringBuilder html, String title, List<Page> pages, String base) {
        html.append("<h2>").append(title).append("</h2>\n<ul>\n");
        for (Page page : pages) {
            String href = page.href().replace("&", "&amp;");
            html.append("<li><a href=\"").append(base).append(href).append("\">").append(href).append("</a> — ")
                    .append(page.shows()).append("</li>\n");
        }
        html.append("</ul>\n");
    }
}
