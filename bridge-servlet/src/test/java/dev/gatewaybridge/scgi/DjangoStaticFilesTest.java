package dev.gatewaybridge.scgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.files.FilesConfig;
import dev.gatewaybridge.files.StaticFiles;
import dev.gatewaybridge.test.Curl;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.UwsgiRig;

/**
 * The Django deployment of docs/deploying.md: Django in a real uWSGI over SCGI, its collected static/
 * (STATIC_ROOT) served by StaticFiles in front, in one servlet, on Jetty and Tomcat.
 */
class DjangoStaticFilesTest {

    static Path dir;
    static UwsgiRig uwsgi;
    static ScgiApplication django;
    ServletContainer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("django-static");
        uwsgi = UwsgiRig.start(dir, UwsgiRig.Protocol.SCGI, Map.of("site_test/__init__.py", "",
                "site_test/settings.py", ScgiDjangoTest.SETTINGS, "site_test/urls.py", ScgiDjangoTest.URLS,
                "wsgi.py", ScgiDjangoTest.WSGI), "wsgi.py");
        django = ScgiApplication.builder().backends(uwsgi.unixAddress()).build();
        Files.createDirectories(dir.resolve("static/admin/css"));
        Files.writeString(dir.resolve("static/admin/css/base.css"), "html { font-family: sans-serif }\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (django != null) {
            django.close();
        }
        if (uwsgi != null) {
            uwsgi.close();
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
    void staticFilesComeFromTheFolderAndPagesFromDjango(ServletContainer.Kind kind) {
        server = ServletContainer.start(kind, new StaticFiles(django, "/static",
                FilesConfig.builder().root(dir.resolve("static")).maxAge(86400).build()), "/site", "/*", Map.of());
        Path work = dir.resolve("curl-" + kind);
        Curl.Result css = Curl.run(work, server.uri("/site/static/admin/css/base.css").toString());
        assertEquals(200, css.status());
        assertEquals("html { font-family: sans-serif }\n", css.text());
        assertEquals("max-age=86400", css.header("Cache-Control"));
        assertEquals(304, Curl.run(work, "-H", "If-None-Match: " + css.header("ETag"),
                server.uri("/site/static/admin/css/base.css").toString()).status());
        assertEquals(404, Curl.run(work, server.uri("/site/static/missing.css").toString()).status());
        Curl.Result form = Curl.run(work, server.uri("/site/form/").toString());
        assertEquals(200, form.status());
        assertTrue(form.text().contains("action=\"/site/form/\""), form.text());
    }
}
