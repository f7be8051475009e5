package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HttpStatusException;

/** FastCgiApplication against a real php-fpm (pm static), called in process. */
class FastCgiPhpFpmTest {

    @TempDir
    static Path dir;
    static PhpFpm fpm;
    static FastCgiApplication app;

    @BeforeAll
    static void start() throws Exception {
        fpm = PhpFpm.tcp(dir, "static", 3);
        fpm.page("echo.php", """
                <?php
                header('Content-Type: text/plain');
                echo $_SERVER['REQUEST_METHOD'], ' ', $_SERVER['SCRIPT_NAME'], ' [', $_SERVER['PATH_INFO'] ?? '', '] ',
                     $_SERVER['QUERY_STRING'], ' a=', $_GET['a'] ?? '-';
                """)
           .page("form.php", "<?php echo 'name=', $_POST['name'], ';n=', count($_POST);")
           .page("length.php", "<?php echo $_SERVER['CONTENT_LENGTH'] ?? 'none', ' ', strlen(file_get_contents('php://input'));")
           .page("upload.php", """
                <?php
                $f = $_FILES['file'];
                echo $f['name'], ' ', $f['size'], ' ', md5_file($f['tmp_name']);
                """)
           .page("cookie.php", """
                <?php
                setcookie('seen', 'yes');
                setcookie('other', 'two');
                echo 'cookie=', $_COOKIE['in'] ?? '-';
                """)
           .page("redirect.php", "<?php header('Location: /target.php?x=1'); ")
           .page("teapot.php", "<?php http_response_code(418); echo 'short and stout';")
           .page("stderr.php", "<?php error_log('oops from php'); echo 'ok';")
           .page("big.php", "<?php echo str_repeat('0123456789abcdef', 65536);") // 1 MiB
           .page("sub/index.php", "<?php echo 'index of sub';")
           .start();
        app = FastCgiApplication.builder().backends(fpm.backend()).root(fpm.docroot.toString())
                .scriptPattern("^(.+\\.php)(/.*)$").index("index.php").maxConnections(3).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (fpm != null) {
            fpm.close();
        }
    }

    @Test
    void withoutKeepConnEachConnectionIsClosedAtItsEndRequestAndNoneIsReused() throws Exception {
        // FastCGI §5.1: without FCGI_KEEP_CONN php-fpm closes after the request. A connection left in the pool
        // took the next request onto a closed socket, which failed and was sent again (3.7 ms a page).
        try (FastCgiApplication once = FastCgiApplication.builder().backends(fpm.backend())
                .root(fpm.docroot.toString()).maxConnections(3).keepConn(false).build()) {
            for (int i = 0; i < 10; i++) {
                Call c = Call.of("GET", "/teapot.php").run(once);
                assertEquals(418, c.code());
                assertEquals(0, once.pools().get(0).size(), "request " + i + " left its connection in the pool");
            }
        }
    }

    @Test
    void getWithQueryStringAndPathInfoReachesThePhpScript() throws Exception {
        Call c = Call.of("GET", "/echo.php/extra/path?a=1&b=2").run(app);
        assertEquals(200, c.code());
        assertEquals("text/plain;charset=UTF-8", c.header("Content-Type"));
        assertEquals("GET /echo.php [/extra/path] a=1&b=2 a=1", c.text());
    }

    @Test
    void formPostIsReadByPhp() throws Exception {
        Call c = Call.of("POST", "/form.php").body("application/x-www-form-urlencoded",
                "name=J%C3%BCrgen&x=1".getBytes(StandardCharsets.US_ASCII)).run(app);
        assertEquals("name=Jürgen;n=2", c.text());
    }

    @Test
    void anHttp2BodyWithoutContentLengthReachesPhp() throws Exception {
        // An HTTP/2 client may send a body with neither content-length nor chunking (RFC 9113 §8.1.1).
        Call c = Call.of("POST", "/form.php")
                .body("application/x-www-form-urlencoded", "name=h2&y=2".getBytes(StandardCharsets.US_ASCII));
        c.environ.remove(Environ.CONTENT_LENGTH);
        c.environ.put(Environ.SERVER_PROTOCOL, "HTTP/2.0");
        c.environ.put(Environ.WSGI_INPUT_TERMINATED, true);
        assertEquals("name=h2;n=2", c.run(app).text());
    }

    @Test
    void aGetSendsNoContentLengthOverHttp1AndHttp2() throws Exception {
        for (String protocol : new String[] {"HTTP/1.1", "HTTP/2.0"}) {
            Call c = Call.of("GET", "/length.php");
            c.environ.put(Environ.SERVER_PROTOCOL, protocol);
            c.environ.put(Environ.WSGI_INPUT_TERMINATED, true);
            assertEquals("none 0", c.run(app).text(), protocol + ", as nginx: a GET has no CONTENT_LENGTH");
        }
    }

    @Test
    void multipartUploadLargerThanOneRecordArrivesIntact() throws Exception {
        byte[] file = new byte[300_000];
        new Random(42).nextBytes(file);
        String boundary = "----bridge";
        var body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        Call c = Call.of("POST", "/upload.php").body("multipart/form-data; boundary=" + boundary, body.toByteArray())
                .run(app);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(file));
        assertEquals("r.bin 300000 " + md5, c.text());
    }

    @Test
    void cookiesGoInAndEverySetCookieComesOut() throws Exception {
        Call c = Call.of("GET", "/cookie.php").header("Cookie", "in=abc").run(app);
        assertEquals("cookie=abc", c.text());
        assertEquals(2, c.headers.stream().filter(h -> h.is("Set-Cookie")).count(), c.headers.toString());
    }

    @Test
    void redirectFromPhpIsAClientRedirect() throws Exception {
        Call c = Call.of("GET", "/redirect.php").run(app);
        assertEquals(302, c.code());
        assertEquals("/target.php?x=1", c.header("Location"));
    }

    @Test
    void statusCodeFromPhpIsKept() throws Exception {
        Call c = Call.of("GET", "/teapot.php").run(app);
        assertEquals(418, c.code());
        assertEquals("short and stout", c.text());
    }

    @Test
    void missingScriptIsPhpFpms404() throws Exception {
        Call c = Call.of("GET", "/nope.php").run(app);
        assertEquals(404, c.code());
    }

    @Test
    void directoryPathGetsTheIndexScript() throws Exception {
        assertEquals("index of sub", Call.of("GET", "/sub/").run(app).text());
    }

    @Test
    void stderrOfTheScriptGoesToWsgiErrors() throws Exception {
        Call c = Call.of("GET", "/stderr.php").run(app);
        assertEquals("ok", c.text());
        assertTrue(c.errors.toString().contains("oops from php"), c.errors.toString());
    }

    @Test
    void megabyteResponseStreamsWhole() throws Exception {
        Call c = Call.of("GET", "/big.php").run(app);
        assertEquals(1 << 20, c.body.length);
        assertEquals("0123456789abcdef", new String(c.body, 65536 * 16 - 16, 16, StandardCharsets.US_ASCII));
    }

    @Test
    void newlineInThePathIs400BeforeAnyBackendSeesIt() {
        Call c = Call.of("GET", "/echo.php");
        c.environ.put("PATH_INFO", "/echo.php\n/x"); // CVE-2019-11043's %0a
        HttpStatusException e = assertThrows(HttpStatusException.class, () -> c.run(app));
        assertEquals(400, e.status());
    }

    @Test
    void poolKeepsTheConfiguredSizeAsPhpFpmDoesNotSayFcgiMaxConns() throws Exception {
        Call.of("GET", "/echo.php").run(app);
        assertEquals(3, app.pools().get(0).maxConnections(), "configured = pm.max_children");
        assertEquals(1, app.pools().get(0).requestsPerConnection(), "php-fpm does not multiplex");
    }
}
