package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;

/**
 * The servlet mappings users write for PHP (prefix {@code /php/*}, extension {@code *.php}, exact
 * {@code /doku.php}, default {@code /}) on Jetty and Tomcat, with {@code fastcgi.root} set: PHP behind a real
 * php-fpm must see the script variables nginx sends for the same URL (nginx's standard {@code location ~ \.php}
 * with {@code fastcgi_split_path_info}). A prefix mapping is nginx's {@code location /php/ { alias root/; }}:
 * the prefix stays in the URIs and leaves the file name.
 */
class FastCgiMappingsTest {

    static final List<String> SCRIPT_VARS = List.of("SCRIPT_FILENAME", "SCRIPT_NAME", "PATH_INFO", "REQUEST_URI",
            "DOCUMENT_URI", "DOCUMENT_ROOT");

    @TempDir
    static Path dir;
    static PhpFpm fpm;
    static Nginx nginx;
    /** nginx with Debian's try_files line. */
    static Nginx nginxTryFiles;

    @BeforeAll
    static void start() throws Exception {
        String dump = """
                <?php
                header('Content-Type: text/plain');
                foreach ($_SERVER as $k => $v) { if (is_string($v)) echo $k, '=', rawurlencode($v), "\\n"; }
                """;
        fpm = PhpFpm.tcp(Files.createDirectories(dir.resolve("fpm")), "static", 2).page("dump.php", dump)
                .page("sub/page.php", dump).page("doku.php", dump).start();
        nginx = Nginx.start(Files.createDirectories(dir.resolve("nginx")), fpm.docroot, fpm.listen);
        nginxTryFiles = Nginx.start(Files.createDirectories(dir.resolve("nginx-try")), fpm.docroot, fpm.listen, true);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {nginx, nginxTryFiles, fpm}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** kind, context path, mapping, the URL asked of the bridge, the URL asked of nginx. */
    static Stream<Arguments> mappings() {
        return Stream.of(ServletContainer.Kind.values()).flatMap(kind -> Stream.of(
                Arguments.of(kind, "", "/php/*", "/php/dump.php/extra/x?q=1", "/dump.php/extra/x?q=1"),
                Arguments.of(kind, "", "*.php", "/dump.php?a=1", "/dump.php?a=1"),
                Arguments.of(kind, "", "*.php", "/sub/page.php", "/sub/page.php"),
                Arguments.of(kind, "", "/doku.php", "/doku.php?id=start", "/doku.php?id=start"),
                Arguments.of(kind, "", "/", "/dump.php/extra?q", "/dump.php/extra?q"),
                Arguments.of(kind, "", "/", "/sub/page.php", "/sub/page.php"),
                Arguments.of(kind, "/wiki", "*.php", "/wiki/sub/page.php?x", "/sub/page.php?x"),
                Arguments.of(kind, "/wiki", "/doku.php", "/wiki/doku.php", "/doku.php")));
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("mappings")
    void phpSeesTheScriptNginxWouldSendForEveryMappingKind(ServletContainer.Kind kind, String context, String mapping,
                                                           String bridgeUrl, String nginxUrl) {
        FastCgiApplication app = FastCgiApplication.builder().backends(fpm.backend()).root(fpm.docroot.toString())
                .scriptPattern("^(.+\\.php)(/.*)$").maxConnections(1).build();
        try (app; ServletContainer c = ServletContainer.start(kind, app, context, mapping, Map.of())) {
            Map<String, String> viaBridge = scriptVars(RawHttp.get(c.port(), bridgeUrl));
            Map<String, String> viaNginx = scriptVars(RawHttp.get(nginx.port, nginxUrl));
            // What the bridge adds to the URL in front of nginx's: the context, and a prefix mapping's prefix.
            String mount = bridgeUrl.substring(0, bridgeUrl.length() - nginxUrl.length());
            Map<String, String> expected = new LinkedHashMap<>(viaNginx);
            for (String uriVar : List.of("SCRIPT_NAME", "REQUEST_URI", "DOCUMENT_URI")) {
                expected.put(uriVar, mount + viaNginx.get(uriVar));
            }
            assertEquals(expected, viaBridge);
        }
    }

    static Stream<Arguments> tryFilesRequests() {
        return Stream.of(ServletContainer.Kind.values()).flatMap(kind -> Stream.of(
                Arguments.of(kind, "/*", "/dump.php/extra/x?q=1"),
                Arguments.of(kind, "/*", "/sub/page.php"),
                Arguments.of(kind, "*.php", "/dump.php?a=1")));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("tryFilesRequests")
    void withTryFilesDocumentUriIsTheScriptsUriAsAfterNginxTryFiles(ServletContainer.Kind kind, String mapping,
                                                                  String url) {
        FastCgiApplication app = FastCgiApplication.builder().backends(fpm.backend()).root(fpm.docroot.toString())
                .scriptPattern("^(.+\\.php)(/.*)$").tryFiles(true).maxConnections(1).build();
        try (app; ServletContainer c = ServletContainer.start(kind, app, "", mapping, Map.of())) {
            Map<String, String> viaBridge = scriptVars(RawHttp.get(c.port(), url));
            assertEquals(scriptVars(RawHttp.get(nginxTryFiles.port, url)), viaBridge);
            assertEquals(viaBridge.get("SCRIPT_NAME"), viaBridge.get("DOCUMENT_URI"));
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void anExtensionMappingStillRefusesAnEncodedNewline(ServletContainer.Kind kind) {
        // CVE-2019-11043: the check holds whichever part of the environ names the script.
        FastCgiApplication app = FastCgiApplication.builder().backends(fpm.backend()).root(fpm.docroot.toString())
                .scriptPattern("^(.+\\.php)(/.*)$").maxConnections(1).build();
        try (app; ServletContainer c = ServletContainer.start(kind, app, "", "*.php", Map.of())) {
            assertEquals(400, RawHttp.get(c.port(), "/x%0a.php").status());
        }
    }

    private static Map<String, String> scriptVars(RawHttp.Response response) {
        assertEquals(200, response.status(), response.toString());
        Map<String, String> all = new TreeMap<>();
        for (String line : response.text().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                all.put(line.substring(0, eq), URLDecoder.decode(line.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        Map<String, String> vars = new LinkedHashMap<>();
        SCRIPT_VARS.forEach(k -> vars.put(k, all.get(k)));
        return vars;
    }
}
