package dev.gatewaybridge.upstream;

import dev.gatewaybridge.config.ConfigReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.api.HttpStatusException;

class ParamsTest {

    private static final String PHP_SPLIT = "^(.+\\.php)(/.*)$";

    private static Map<String, Object> environ(String scriptName, String pathInfo) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("REQUEST_METHOD", "GET");
        env.put("SCRIPT_NAME", scriptName);
        env.put("PATH_INFO", pathInfo);
        env.put("QUERY_STRING", "a=1");
        env.put("REQUEST_URI", scriptName + pathInfo + "?a=1");
        env.put("SERVER_NAME", "example.org");
        env.put("SERVER_PORT", "8080");
        env.put("SERVER_PROTOCOL", "HTTP/1.1");
        env.put("REMOTE_ADDR", "127.0.0.1");
        env.put("REMOTE_PORT", "50000");
        env.put("wsgi.url_scheme", "http");
        env.put("HTTP_HOST", "example.org:8080");
        return env;
    }

    private static Map<String, String> asMap(List<Param> params) {
        Map<String, String> m = new LinkedHashMap<>();
        params.forEach(p -> assertNull(m.put(p.name(), p.value()), "duplicate " + p.name()));
        return m;
    }

    @Test
    void anApplicationBackendGetsTheEnvironsScriptNameAndPathInfo() {
        var p = asMap(Params.builder().build().forRequest(environ("/app", "/users/7")));
        assertEquals("/app", p.get("SCRIPT_NAME"));
        assertEquals("/users/7", p.get("PATH_INFO"));
        assertFalse(p.containsKey("SCRIPT_FILENAME"));
        assertFalse(p.containsKey("DOCUMENT_ROOT"));
        assertEquals("/app/users/7", p.get("DOCUMENT_URI"));
        assertEquals("/app/users/7?a=1", p.get("REQUEST_URI"));
    }

    @Test
    void sendsTheNginxFastcgiParamsInTheirOrder() {
        var env = environ("", "/index.php");
        env.put("CONTENT_TYPE", "text/plain");
        env.put("CONTENT_LENGTH", "3");
        var p = Params.builder().root(Path.of("/srv/www")).build().forRequest(env);
        List<String> names = p.stream().map(Param::name).toList();
        assertEquals(List.of("QUERY_STRING", "REQUEST_METHOD", "CONTENT_TYPE", "CONTENT_LENGTH", "SCRIPT_NAME",
                "REQUEST_URI", "DOCUMENT_URI", "DOCUMENT_ROOT", "SERVER_PROTOCOL", "REQUEST_SCHEME",
                "GATEWAY_INTERFACE", "SERVER_SOFTWARE", "REMOTE_ADDR", "REMOTE_PORT", "SERVER_PORT", "SERVER_NAME",
                "REDIRECT_STATUS", "SCRIPT_FILENAME", "PATH_INFO", "HTTP_HOST"), names);
        var m = asMap(p);
        assertEquals("/srv/www/index.php", m.get("SCRIPT_FILENAME"));
        assertEquals("/srv/www", m.get("DOCUMENT_ROOT"));
        assertEquals("CGI/1.1", m.get("GATEWAY_INTERFACE"));
        assertEquals("200", m.get("REDIRECT_STATUS"));
        assertEquals("GatewayBridge", m.get("SERVER_SOFTWARE"));
        assertEquals("http", m.get("REQUEST_SCHEME"));
        assertEquals("", m.get("PATH_INFO"));
    }

    @Test
    void httpsIsOnOnlyForHttps() {
        var env = environ("", "/x");
        assertFalse(asMap(Params.builder().build().forRequest(env)).containsKey("HTTPS"));
        env.put("wsgi.url_scheme", "https");
        var m = asMap(Params.builder().build().forRequest(env));
        assertEquals("on", m.get("HTTPS"));
        assertEquals("https", m.get("REQUEST_SCHEME"));
    }

    @Test
    void theScriptPatternSplitsScriptNameFromPathInfo() {
        var params = Params.builder().root(Path.of("/srv/www")).scriptPattern(PHP_SPLIT).build();
        var m = asMap(params.forRequest(environ("/blog", "/wp/index.php/2024/hello")));
        assertEquals("/blog/wp/index.php", m.get("SCRIPT_NAME"));
        assertEquals("/2024/hello", m.get("PATH_INFO"));
        assertEquals("/srv/www/wp/index.php", m.get("SCRIPT_FILENAME"));
        assertEquals("/blog/wp/index.php/2024/hello", m.get("DOCUMENT_URI"));
    }

    @Test
    void aPathTheSplitPatternDoesNotMatchIsAllScript() {
        var params = Params.builder().root(Path.of("/srv/www")).scriptPattern(PHP_SPLIT).build();
        var m = asMap(params.forRequest(environ("", "/index.php")));
        assertEquals("/index.php", m.get("SCRIPT_NAME"));
        assertEquals("", m.get("PATH_INFO"));
    }

    @Test
    void cve2019_11043_aNewlineInThePathIs400NotAnEmptyPathInfo() {
        // The exploit's request: /index.php/PHP_VALUE%0Asession.auto_start=1;;;?QQQ... With nginx's
        // "^(.+?\.php)(/.*)$" the %0A made the regex fail, PATH_INFO became empty while SCRIPT_FILENAME kept
        // the tail, and php-fpm's path_info arithmetic underflowed.
        var params = Params.builder().root(Path.of("/srv/www")).scriptPattern("^(.+?\\.php)(/.*)$").build();
        var env = environ("", "/index.php/PHP_VALUE\nsession.auto_start=1;;;");
        var e = assertThrows(HttpStatusException.class, () -> params.forRequest(env));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("\\n"), e.getMessage());
    }

    @Test
    void cve2019_11043_noCharacterCanMakeTheSplitStopShortAndLeaveAnEmptyPathInfo() {
        var params = Params.builder().root(Path.of("/srv/www")).scriptPattern("^(.+?\\.php)(/.*)$").build();
        for (String tail : List.of("\r", "\u0000", "\u0085", "\u2028", "\u2029", "\t")) {
            var env = environ("", "/index.php/PHP_VALUE" + tail + "x.php");
            var e = assertThrows(HttpStatusException.class, () -> params.forRequest(env), tail);
            assertEquals(400, e.status());
        }
        // Any path that gets through is split exactly: script + path info is the path, and a path info
        // after a script is never empty when the path goes on past the script.
        for (String path : List.of("/index.php/a", "/a.php/b.php/c", "/x.php/", "/index.php", "/a/b.php/%0a")) {
            var m = asMap(params.forRequest(environ("", path)));
            assertEquals(path, m.get("SCRIPT_NAME") + m.get("PATH_INFO"));
            assertEquals("/srv/www" + m.get("SCRIPT_NAME"), m.get("SCRIPT_FILENAME"));
            assertTrue(m.get("SCRIPT_NAME").endsWith(".php"), path);
        }
    }

    @Test
    void aPatternThatDoesNotCutThePathInTwoIs400() {
        var gap = Params.builder().root(Path.of("/srv")).scriptPattern("^(.+\\.php)x(/.*)$").build();
        assertEquals(400, assertThrows(HttpStatusException.class,
                () -> gap.forRequest(environ("", "/a.phpx/b"))).status());
        var emptyScript = Params.builder().root(Path.of("/srv")).scriptPattern("^(.*?)(/.*)$").build();
        assertEquals(400, assertThrows(HttpStatusException.class,
                () -> emptyScript.forRequest(environ("", "/a"))).status());
    }

    @Test
    void dotSegmentsNeverLeaveTheRoot() {
        var params = Params.builder().root(Path.of("/srv/www")).scriptPattern(PHP_SPLIT).build();
        for (String path : List.of("/../etc/passwd.php", "/a/../../x.php/y", "/./x.php")) {
            assertEquals(400, assertThrows(HttpStatusException.class,
                    () -> params.forRequest(environ("", path)), path).status());
        }
    }

    @Test
    void onlyWholeDotSegmentsCountAsDotSegments() {
        for (String path : List.of("/..", "/.", "/a/..", "/a/./b", "..", ".", "/a/../b.php", "/x/")) {
            assertEquals(!path.equals("/x/"), Params.hasDotSegment(path), path);
        }
        for (String path : List.of("/a..b/x", "/.hidden.php", "/a/.../b", "/..x", "/x..", "/", "")) {
            assertFalse(Params.hasDotSegment(path), path);
        }
    }

    @Test
    void tryFilesAnswers404ForAMissingScript(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("index.php"), "<?php");
        Files.createDirectory(root.resolve("dir.php"));
        var params = Params.builder().root(root).scriptPattern(PHP_SPLIT).tryFiles(true).build();
        assertEquals(root + "/index.php", asMap(params.forRequest(environ("", "/index.php/x"))).get("SCRIPT_FILENAME"));
        for (String path : List.of("/missing.php", "/dir.php/x")) {
            var e = assertThrows(HttpStatusException.class, () -> params.forRequest(environ("", path)));
            assertEquals(404, e.status());
        }
    }

    @Test
    void theIndexIsAppendedToADirectoryPath() {
        var params = Params.builder().root(Path.of("/srv/www")).scriptPattern(PHP_SPLIT).index("index.php").build();
        var m = asMap(params.forRequest(environ("", "/shop/")));
        assertEquals("/shop/index.php", m.get("SCRIPT_NAME"));
        assertEquals("/srv/www/shop/index.php", m.get("SCRIPT_FILENAME"));
    }

    @Test
    void neverSendsHttpProxyNorTransferEncodingNorContentHeadersTwice() {
        var env = environ("", "/");
        env.put("HTTP_PROXY", "http://evil.example:8080");
        env.put("HTTP_CONTENT_TYPE", "x/y");
        env.put("HTTP_TRANSFER_ENCODING", "chunked");
        env.put("HTTP_X_FORWARDED_FOR", "10.0.0.1");
        var m = asMap(Params.builder().build().forRequest(env));
        assertFalse(m.containsKey("HTTP_PROXY"));
        assertFalse(m.containsKey("HTTP_CONTENT_TYPE"));
        assertFalse(m.containsKey("HTTP_TRANSFER_ENCODING"));
        assertEquals("10.0.0.1", m.get("HTTP_X_FORWARDED_FOR"));
    }

    @Test
    void aHeaderValueWithALineBreakIs400() {
        var env = environ("", "/");
        env.put("HTTP_X_EVIL", "a\r\nSCRIPT_FILENAME: /etc/passwd");
        var e = assertThrows(HttpStatusException.class, () -> Params.builder().build().forRequest(env));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("HTTP_X_EVIL"), e.getMessage());
    }

    @Test
    void fixedParamsReplaceComputedOnesOrComeLast() {
        var params = Params.builder().param("SCRIPT_FILENAME", "/srv/front.php").param("APP_ENV", "prod")
                .serverSoftware("test/1").build();
        var p = params.forRequest(environ("", "/any/route"));
        var m = asMap(p);
        assertEquals("/srv/front.php", m.get("SCRIPT_FILENAME"));
        assertEquals("test/1", m.get("SERVER_SOFTWARE"));
        assertEquals("APP_ENV", p.get(p.size() - 1).name());
    }

    @Test
    void headerValuesKeepTheirOctetsOtherValuesAreUtf8() {
        assertEquals(1, new Param("HTTP_X", "\u00e9").valueBytes().length);
        assertEquals("\u00e9".getBytes(StandardCharsets.UTF_8).length, new Param("PATH_INFO", "\u00e9").valueBytes().length);
    }

    @Test
    void badConfigurationFailsNamingTheParam() {
        assertThrows(IllegalArgumentException.class, () -> Params.builder().scriptPattern("^(.+\\.php)$"));
        assertThrows(IllegalArgumentException.class, () -> Params.builder().param("HTTP_PROXY", "x"));
        assertThrows(IllegalArgumentException.class, () -> Params.builder().param("A B", "x"));
        assertThrows(IllegalArgumentException.class, () -> Params.builder().root(Path.of("relative")));
        assertThrows(IllegalArgumentException.class, () -> Params.builder().tryFiles(true).build());
        var e = assertThrows(IllegalArgumentException.class, () -> Params.from(new ConfigReader(
                Map.of("scgi.scriptPattern", "(unclosed"), "scgi.")));
        assertTrue(e.getMessage().contains("scgi.scriptPattern"), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> Params.from(new ConfigReader(
                Map.of("scgi.params", "APP_ENV=prod\nnot a pair"), "scgi.")));
        assertTrue(f.getMessage().contains("scgi.params") && f.getMessage().contains("not a pair"), f.getMessage());
        var g = assertThrows(IllegalArgumentException.class, () -> Params.from(new ConfigReader(
                Map.of("scgi.tryFiles", "true"), "scgi.")));
        assertTrue(g.getMessage().contains("scgi.tryFiles") && g.getMessage().contains("scgi.root"), g.getMessage());
    }

    @Test
    void readsEveryParamFromConfiguration() {
        var params = Params.from(new ConfigReader(Map.of("scgi.root", "/srv/www", "scgi.scriptPattern", PHP_SPLIT,
                "scgi.index", "index.php", "scgi.params", "# comment\nAPP_ENV = prod\n", "scgi.serverSoftware", "x/1"),
                "scgi."));
        var m = asMap(params.forRequest(environ("", "/a/")));
        assertEquals("/srv/www/a/index.php", m.get("SCRIPT_FILENAME"));
        assertEquals("prod", m.get("APP_ENV"));
        assertEquals("x/1", m.get("SERVER_SOFTWARE"));
    }

    @Test
    void anExtensionOrExactMappingNamesTheScriptByTheServletPathForFastCgiAndScgi() {
        var env = environ("/wiki/sub/doku.php", "");
        env.put("gateway.script_path", "/sub/doku.php"); // *.php or /sub/doku.php, in context /wiki
        var p = asMap(Params.builder().root(Path.of("/srv/www")).scriptPattern(PHP_SPLIT).build().forRequest(env));
        assertEquals("/srv/www/sub/doku.php", p.get("SCRIPT_FILENAME"));
        assertEquals("/wiki/sub/doku.php", p.get("SCRIPT_NAME"));
        assertEquals("", p.get("PATH_INFO"));
        assertEquals("/wiki/sub/doku.php", p.get("DOCUMENT_URI"));
    }

    @Test
    void aServletPathThatIsNotTheEndOfScriptNameIsNotUsed() {
        // A middleware rewrote SCRIPT_NAME: the path cannot be trusted to name a file, as before (400).
        var env = environ("/elsewhere", "");
        env.put("gateway.script_path", "/doku.php");
        var e = assertThrows(HttpStatusException.class,
                () -> Params.builder().root(Path.of("/srv/www")).build().forRequest(env));
        assertEquals(400, e.status());
    }

    @Test
    void withTryFilesDocumentUriIsTheScriptsUri(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("index.php"), "");
        var p = asMap(Params.builder().root(root).scriptPattern(PHP_SPLIT).tryFiles(true).build()
                .forRequest(environ("/app", "/index.php/a/b")));
        assertEquals("/app/index.php", p.get("DOCUMENT_URI"));
        assertEquals("/a/b", p.get("PATH_INFO"));
    }
}
