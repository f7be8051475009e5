package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;

/**
 * The same php-fpm pool behind nginx and behind our bridge: PHP's $_SERVER must come out the same for a set
 * of crafted requests, but for the differences listed in docs/differences.md (FastCGI).
 */
class FastCgiNginxDifferentialTest {

    /** Keys that differ by nature of two different servers, or by choice; each is explained in docs/differences.md. */
    static final Set<String> INTENDED = Set.of(
            "SERVER_SOFTWARE",      // nginx/1.x vs the servlet container's
            "SERVER_PORT",          // two servers, two ports
            "REMOTE_PORT",          // each client connection has its own
            "HTTP_CONTENT_LENGTH",  // nginx repeats Content-Length as HTTP_*; RFC 3875 §4.1.18 says not to
            "HTTP_CONTENT_TYPE");   // the same for Content-Type

    /** Keys nginx sends empty when they do not apply, where the bridge leaves them out (RFC 3875: unset). */
    static final Set<String> EMPTY_OR_ABSENT = Set.of("CONTENT_LENGTH", "CONTENT_TYPE", "REMOTE_USER");

    @TempDir
    static Path dir;
    static PhpFpm fpm;
    static Nginx nginx;
    static FastCgiApplication app;
    static ServletContainer jetty;

    @BeforeAll
    static void start() throws Exception {
        fpm = PhpFpm.tcp(Files.createDirectories(dir.resolve("fpm")), "static", 2).page("dump.php", """
                <?php
                header('Content-Type: text/plain');
                $s = $_SERVER;
                unset($s['REQUEST_TIME'], $s['REQUEST_TIME_FLOAT'], $s['argv'], $s['argc']);
                ksort($s);
                foreach ($s as $k => $v) { if (is_string($v)) echo $k, '=', rawurlencode($v), "\\n"; }
                """).start();
        nginx = Nginx.start(Files.createDirectories(dir.resolve("nginx")), fpm.docroot, fpm.listen);
        app = FastCgiApplication.builder().backends(fpm.backend()).root(fpm.docroot.toString())
                .scriptPattern("^(.+\\.php)(/.*)$").maxConnections(1).build();
        jetty = ServletContainer.jetty(app);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {jetty, app, nginx, fpm}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /dump.php HTTP/1.1\r\n\r\n",
            "GET /dump.php?a=1&b=%20x&c=%C3%A9 HTTP/1.1\r\n\r\n",
            "GET /dump.php/extra/path?q HTTP/1.1\r\n\r\n",
            "GET /dump.php/%C3%A9t%C3%A9/x%20y HTTP/1.1\r\n\r\n",
            "GET /dump.php HTTP/1.1\r\nX-Custom: one\r\nCookie: a=1; b=2\r\nAccept-Language: fr\r\n\r\n",
            "GET /dump.php HTTP/1.1\r\nProxy: http://evil.example:8080\r\n\r\n",
            "POST /dump.php HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nx=1&y=2",
            "GET /./dump.php HTTP/1.1\r\n\r\n",
    })
    void phpSeesTheSameServerVariablesAsBehindNginx(String request) {
        String withHost = request.replaceFirst("\r\n", "\r\nHost: localhost\r\nConnection: close\r\n");
        Map<String, String> viaNginx = server(RawHttp.exchange(nginx.port, withHost));
        Map<String, String> viaBridge = server(RawHttp.exchange(jetty.port(), withHost));
        Set<String> differing = new TreeSet<>();
        for (String key : union(viaNginx.keySet(), viaBridge.keySet())) {
            String n = viaNginx.get(key);
            String b = viaBridge.get(key);
            if (EMPTY_OR_ABSENT.contains(key) && b == null && "".equals(n)) {
                continue;
            }
            if (!String.valueOf(n).equals(String.valueOf(b))) {
                differing.add(key + ": nginx=" + viaNginx.get(key) + " bridge=" + viaBridge.get(key));
            }
        }
        differing.removeIf(d -> INTENDED.contains(d.substring(0, d.indexOf(':'))));
        assertEquals(Set.of(), differing, "unexplained differences for " + request.lines().findFirst().orElse(""));
        assertFalse(viaBridge.containsKey("HTTP_PROXY"), "httpoxy");
    }

    @org.junit.jupiter.api.Test
    void encodedNewlineInThePathNeverReachesPhpFpm() {
        // CVE-2019-11043: nginx's split regex stops at %0a and php-fpm got an empty PATH_INFO to underflow on.
        RawHttp.Response r = RawHttp.get(jetty.port(), "/dump.php/%0a/x.php?a");
        assertEquals(400, r.status(), r.toString());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, String> server(RawHttp.Response response) {
        assertEquals(200, response.status(), response.toString());
        Map<String, String> vars = new TreeMap<>();
        for (String line : response.text().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), java.net.URLDecoder.decode(line.substring(eq + 1),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return vars;
    }
}
