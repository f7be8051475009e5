package dev.gatewaybridge.cgi;

import static dev.gatewaybridge.cgi.CgiHarness.envLines;
import static dev.gatewaybridge.cgi.CgiHarness.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;

/**
 * The same printenv script behind Apache httpd's mod_cgi and behind CgiApplication (in Jetty), for crafted
 * requests: the RFC 3875 meta-variables, REQUEST_URI, SCRIPT_FILENAME, DOCUMENT_ROOT and every HTTP_* must
 * match. The intended differences are the lists below, each in docs/differences.md.
 */
class CgiDifferentialTest {

    /** RFC 3875 §4.1 meta-variables and the common extensions both servers set the same way. */
    static final List<String> COMPARED = List.of("AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE",
            "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_USER",
            "REQUEST_METHOD", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "REQUEST_URI",
            "SCRIPT_FILENAME", "DOCUMENT_ROOT", "REQUEST_SCHEME", "HTTPS", "PATH", "SERVER_ADDR");
    /** Set by Apache only (docs/differences.md). */
    static final Set<String> APACHE_ONLY = Set.of("SERVER_SIGNATURE", "SERVER_ADMIN",
            "CONTEXT_PREFIX", "CONTEXT_DOCUMENT_ROOT");
    /** Same name, different value by design: SERVER_SOFTWARE names the server, REMOTE_PORT the connection, ARGV
     * because Apache turns an '='-less query into argv by default and we only when cgi.queryArgs is on. */
    static final Set<String> VALUE_DIFFERS = Set.of("SERVER_SOFTWARE", "REMOTE_PORT", "ARGV");

    @TempDir
    Path dir;

    @Test
    void printenvMatchesApacheModCgiForCraftedRequests() throws Exception {
        Path cgiBin = dir.resolve("cgi-bin");
        Path docRoot = Files.createDirectories(dir.resolve("htdocs"));
        script(cgiBin, "printenv.pl", CgiApplicationTest.PRINTENV);
        script(cgiBin, "sub/printenv.pl", CgiApplicationTest.PRINTENV);
        List<String[]> requests = List.of(
                req("GET /cgi-bin/printenv.pl"),
                req("GET /cgi-bin/printenv.pl/extra/path?a=1&b=2"),
                req("GET /cgi-bin/printenv.pl/a%20b/%C3%A9/?q=%20x%2F&r=%C3%A9"),
                req("GET /cgi-bin/sub/printenv.pl/deeper"),
                req("GET /cgi-bin/printenv.pl?one+two"),
                req("GET /cgi-bin/printenv.pl?q=%00&empty=", "X-Custom: some value", "Accept: a/b", "Accept: c/d",
                        "Proxy: http://evil.example:3128", "Authorization: Basic dXNlcjpwYXNz",
                        "X_Underscore: spoof", "User-Agent: diff/1.0", "Accept-Language: fr;q=0.5"),
                req("POST /cgi-bin/printenv.pl/form?x=y", "Content-Type: application/x-www-form-urlencoded",
                        "Content-Length: 7", "", "a=1&b=2"),
                req("POST /cgi-bin/printenv.pl", "Content-Length: 0"),
                req("POST /cgi-bin/printenv.pl/chunked", "Content-Type: text/plain", "Transfer-Encoding: chunked", "",
                        "5\r\nhello\r\n0\r\n\r\n"),
                req("GET /cgi-bin/printenv.pl", "Cookie: a=1", "Cookie: b=2", "If-None-Match: \"x\"",
                        "X-Empty:", "Referer: http://example.com/?q=1"));
        Map<String, Integer> apacheStatus = new TreeMap<>();
        Map<String, Integer> ourStatus = new TreeMap<>();
        List<String[]> statusProbes = List.of(req("GET /cgi-bin/missing.pl"), req("GET /cgi-bin/printenv.pl/x"));
        try (ApacheHttpd apache = ApacheHttpd.start(dir, cgiBin, docRoot, false, "");
             CgiApplication app = CgiApplication.builder().root(cgiBin).documentRoot(docRoot).application();
             ServletContainer jetty = ServletContainer.start(ServletContainer.Kind.JETTY, app, "", "/cgi-bin/*", Map.of())) {
            for (String[] r : requests) {
                var theirs = send(apache.port(), r);
                var ours = send(jetty.port(), r);
                assertEquals(theirs.status(), ours.status(), r[0] + "\n" + theirs.text() + "\n---\n" + ours.text()
                        + "\n" + apache.log());
                compare(r[0], normalize(envLines(theirs.text()), apache.port()), normalize(envLines(ours.text()), jetty.port()));
            }
            for (String[] r : statusProbes) {
                apacheStatus.put(r[0], send(apache.port(), r).status());
                ourStatus.put(r[0], send(jetty.port(), r).status());
            }
        }
        assertEquals(apacheStatus, ourStatus);
    }

    private static void compare(String request, Map<String, String> apache, Map<String, String> ours) {
        for (String key : COMPARED) {
            if (key.equals("CONTENT_LENGTH") && request.endsWith("/chunked") && apache.get(key) == null) {
                // Intended: a chunked body is buffered and the program gets its CONTENT_LENGTH (RFC 3875
                // §4.1.2); mod_cgi sends none, and php-cgi then reads nothing.
                assertEquals("5", ours.get(key), request + ": " + key);
                continue;
            }
            assertEquals(nullIfEmpty(apache.get(key)), nullIfEmpty(ours.get(key)), request + ": " + key
                    + "\napache: " + apache + "\nours:   " + ours);
        }
        Set<String> apacheHttp = new TreeSet<>(apache.keySet());
        apacheHttp.removeIf(k -> !k.startsWith("HTTP_"));
        Set<String> ourHttp = new TreeSet<>(ours.keySet());
        ourHttp.removeIf(k -> !k.startsWith("HTTP_"));
        assertEquals(apacheHttp, ourHttp, request + ": HTTP_* names");
        for (String key : apacheHttp) {
            String expected = apache.get(key);
            if (key.equals("HTTP_COOKIE")) {
                // Intended: repeated Cookie headers are joined with "; " (RFC 6265 §5.4), Apache uses ", ".
                expected = expected.replace(", ", "; ");
            }
            assertEquals(expected, ours.get(key), request + ": " + key);
        }
        Set<String> unexplained = new TreeSet<>(apache.keySet());
        unexplained.addAll(ours.keySet());
        unexplained.removeAll(COMPARED);
        unexplained.removeIf(k -> k.startsWith("HTTP_") || APACHE_ONLY.contains(k) && !ours.containsKey(k)
                || VALUE_DIFFERS.contains(k));
        assertTrue(unexplained.isEmpty(), request + ": variables set by one server only, not in docs/differences.md: "
                + unexplained + "\napache: " + apache + "\nours:   " + ours);
    }

    /** RFC 3875 §4.1: a NULL value is empty or unset; the two are the same meta-variable value. */
    private static String nullIfEmpty(String v) {
        return v == null || v.isEmpty() ? null : v;
    }

    /** The servers listen on different ports: the port in SERVER_PORT and HTTP_HOST is replaced. */
    private static Map<String, String> normalize(Map<String, String> env, int port) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> out.put(k, v.replace(Integer.toString(port), "PORT")));
        return out;
    }

    private static String[] req(String line, String... headers) {
        String[] r = new String[headers.length + 1];
        r[0] = line;
        System.arraycopy(headers, 0, r, 1, headers.length);
        return r;
    }

    private static RawHttp.Response send(int port, String[] r) {
        StringBuilder s = new StringBuilder(r[0]).append(" HTTP/1.1\r\nHost: localhost:").append(port).append("\r\n");
        int i = 1;
        for (; i < r.length && !r[i].isEmpty(); i++) {
            s.append(r[i]).append("\r\n");
        }
        s.append("Connection: close\r\n\r\n");
        if (i < r.length - 1) {
            s.append(r[i + 1]);
        }
        return RawHttp.exchange(port, s.toString());
    }
}
