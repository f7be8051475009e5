package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.files.StaticFiles;
import dev.gatewaybridge.middleware.DenyPaths;
import dev.gatewaybridge.test.Curl;
import dev.gatewaybridge.test.ServletContainer;

/**
 * A PHP application laid out as DokuWiki is (doku.php, lib/ with CSS and PHP, data/ and conf/ never to be
 * served) in one servlet at /*: DenyPaths, then StaticFiles passing *.php and missing files on to a real
 * php-fpm. The PHP example of docs/deploying.md ("Deploying real applications"), on Jetty and Tomcat.
 */
class PhpAppLayoutTest {

    @TempDir
    static Path dir;
    static PhpFpm fpm;
    ServletContainer server;

    @BeforeAll
    static void start() throws Exception {
        fpm = PhpFpm.tcp(dir, "static", 2);
        fpm.page("doku.php", "<?php echo 'wiki ', $_SERVER['SCRIPT_NAME'], ' id=', $_GET['id'] ?? '-';")
           .page("lib/exe/css.php", "<?php header('Content-Type: text/css'); echo '/* css.php */';")
           .page("conf/local.php", "<?php echo 'CONFIG SECRET';")
           .start();
        Files.createDirectories(fpm.docroot.resolve("data/pages"));
        Files.writeString(fpm.docroot.resolve("data/pages/start.txt"), "PAGE SOURCE");
        Files.createDirectories(fpm.docroot.resolve("lib/tpl"));
        Files.writeString(fpm.docroot.resolve("lib/tpl/style.css"), "body { margin: 0 }\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fpm != null) {
            fpm.close();
        }
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void staticFilesPhpPagesAndDeniedFoldersShareOneMapping(ServletContainer.Kind kind) {
        // the web.xml of docs/deploying.md, as init-params
        server = ServletContainer.start(kind, null, "/wiki", "/*", Map.ofEntries(
                Map.entry("application", FastCgiApplication.class.getName()),
                Map.entry("middleware", DenyPaths.class.getName() + " " + StaticFiles.class.getName()),
                Map.entry("deny.paths", "/data /conf /bin /inc /vendor .ht*"),
                Map.entry("files.root", fpm.docroot.toString()),
                Map.entry("files.index", ""),
                Map.entry("files.fallthrough", "true"),
                Map.entry("files.pass", "*.php"),
                Map.entry("files.maxAge", "3600"),
                Map.entry("fastcgi.backends", fpm.backend()),
                Map.entry("fastcgi.maxConnections", "2"),
                Map.entry("fastcgi.root", fpm.docroot.toString()),
                Map.entry("fastcgi.scriptPattern", "^(.+\\.php)(/.*)$"),
                Map.entry("fastcgi.index", "doku.php")));
        Path work = dir.resolve("curl");
        assertEquals("wiki /wiki/doku.php id=-", Curl.run(work, server.uri("/wiki/").toString()).text());
        assertEquals("wiki /wiki/doku.php id=start", Curl.run(work, server.uri("/wiki/doku.php?id=start").toString()).text());
        assertEquals("/* css.php */", Curl.run(work, server.uri("/wiki/lib/exe/css.php").toString()).text());
        Curl.Result css = Curl.run(work, server.uri("/wiki/lib/tpl/style.css").toString());
        assertEquals(200, css.status());
        assertEquals("max-age=3600", css.header("Cache-Control"));
        assertTrue(css.header("Content-Type").startsWith("text/css"));
        assertEquals(206, Curl.run(work, "-r", "0-3", server.uri("/wiki/lib/tpl/style.css").toString()).status());
        assertEquals(304, Curl.run(work, "-H", "If-None-Match: " + css.header("ETag"),
                server.uri("/wiki/lib/tpl/style.css").toString()).status());
        for (String refused : List.of("/wiki/conf/local.php", "/wiki/data/pages/start.txt", "/wiki/CONF/local.php")) {
            Curl.Result r = Curl.run(work, server.uri(refused).toString());
            assertEquals(404, r.status(), refused);
            assertTrue(!r.text().contains("SECRET") && !r.text().contains("PAGE SOURCE"), refused + ": " + r.text());
        }
        // a missing file falls through to PHP, which answers for it as php-fpm does
        assertEquals(404, Curl.run(work, server.uri("/wiki/lib/none.png").toString()).status());
    }
}
