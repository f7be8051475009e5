package dev.gatewaybridge.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.test.Curl;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;

/** FileApplication and StaticFiles behind GatewayServlet in real Jetty and Tomcat, asked by the real curl. */
class FilesServletTest {

    static final Instant MTIME = Instant.parse("2025-03-04T05:06:07.250Z");

    @TempDir
    Path dir;
    Path root;
    Path work;
    byte[] big;
    ServletContainer server;

    @BeforeEach
    void files() throws IOException {
        root = dir.resolve("www");
        work = dir.resolve("curl");
        big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        write("big.bin", big);
        write("style.css", "body { color: red }\n".getBytes(StandardCharsets.UTF_8));
        write("index.html", "<p>home</p>\n".getBytes(StandardCharsets.UTF_8));
        write("sub/index.html", "<p>sub</p>\n".getBytes(StandardCharsets.UTF_8));
        write("conf/local.php", "<?php $secret = 1;\n".getBytes(StandardCharsets.UTF_8));
        write("Readme.txt", "read me\n".getBytes(StandardCharsets.UTF_8));
        write("empty.txt", new byte[0]);
        Files.writeString(dir.resolve("secret.txt"), "TOP SECRET\n");
        Files.createSymbolicLink(root.resolve("escape.txt"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outside"), dir);
    }

    private void write(String name, byte[] content) throws IOException {
        Path p = root.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        Files.setLastModifiedTime(p, FileTime.from(MTIME));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void serve(ServletContainer.Kind kind, FilesConfig.Builder config) {
        server = ServletContainer.start(kind, config.application(), "/ctx", "/files/*", Map.of());
    }

    private Curl.Result curl(String path, String... args) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = server.uri("/ctx/files" + path).toString();
        return Curl.run(work, all);
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void aFileComesWithItsTypeLengthAndValidators(ServletContainer.Kind kind) {
        serve(kind, FileApplication.builder().root(root).maxAge(3600));
        Curl.Result r = curl("/style.css");
        assertEquals(200, r.status());
        assertEquals("body { color: red }\n", r.text());
        assertEquals("text/css;charset=utf-8", r.header("Content-Type").replace(" ", ""));
        assertEquals("20", r.header("Content-Length"));
        assertEquals("Tue, 04 Mar 2025 05:06:07 GMT", r.header("Last-Modified"));
        assertEquals("\"" + Long.toHexString(MTIME.toEpochMilli()) + "-14\"", r.header("ETag"));
        assertEquals("bytes", r.header("Accept-Ranges"));
        assertEquals("max-age=3600", r.header("Cache-Control"));
        Curl.Result bin = curl("/big.bin");
        assertArrayEquals(big, bin.body());
        assertEquals("application/octet-stream", bin.header("Content-Type"));
        assertEquals(0, curl("/empty.txt").body().length);
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void curlRangesGetPartialContent(ServletContainer.Kind kind) {
        serve(kind, FileApplication.builder().root(root));
        Curl.Result first = curl("/big.bin", "-r", "0-99");
        assertEquals(206, first.status());
        assertEquals("bytes 0-99/1048576", first.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(big, 0, 100), first.body());

        Curl.Result middle = curl("/big.bin", "-r", "500000-700000");
        assertEquals(206, middle.status());
        assertArrayEquals(Arrays.copyOfRange(big, 500000, 700001), middle.body());

        Curl.Result suffix = curl("/big.bin", "-r", "-10");
        assertEquals("bytes 1048566-1048575/1048576", suffix.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(big, big.length - 10, big.length), suffix.body());

        Curl.Result open = curl("/big.bin", "-r", "1048000-");
        assertEquals("576", open.header("Content-Length"));

        Curl.Result past = curl("/big.bin", "-r", "2000000-");
        assertEquals(416, past.status());
        assertEquals("bytes */1048576", past.header("Content-Range"));

        // Two ranges are answered whole (RFC 9110 §14.2 lets a server ignore Range): no multipart.
        Curl.Result two = curl("/big.bin", "-r", "0-1,5-6");
        assertEquals(200, two.status());
        assertArrayEquals(big, two.body());

        Curl.Result invalid = curl("/style.css", "-H", "Range: bytes=9-3");
        assertEquals(200, invalid.status());
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void curlConditionalRequestsGetNotModified(ServletContainer.Kind kind) throws IOException {
        serve(kind, FileApplication.builder().root(root).maxAge(60));
        // -z FILE sends If-Modified-Since with the file's time: the same second as ours
        Curl.Result same = curl("/style.css", "-z", root.resolve("style.css").toString());
        assertEquals(304, same.status());
        assertEquals(0, same.body().length);
        assertNotNull(same.header("ETag"));
        assertEquals("max-age=60", same.header("Cache-Control"));
        assertEquals(200, curl("/style.css", "-z", "Mon, 03 Mar 2025 00:00:00 GMT").status());

        Path etag = work.resolve("etag.txt");
        Curl.Result saved = curl("/style.css", "--etag-save", etag.toString());
        assertEquals(200, saved.status());
        assertEquals(saved.header("ETag"), Files.readString(etag).trim());
        assertEquals(304, curl("/style.css", "--etag-compare", etag.toString()).status());
        assertEquals(304, curl("/style.css", "-H", "If-None-Match: \"x\", W/" + saved.header("ETag")).status());
        // If-None-Match wins over If-Modified-Since (§13.2.2)
        assertEquals(200, curl("/style.css", "-H", "If-None-Match: \"other\"",
                "-z", root.resolve("style.css").toString()).status());
        assertEquals(412, curl("/style.css", "-H", "If-Match: \"other\"").status());
        assertEquals(200, curl("/style.css", "-H", "If-Match: " + saved.header("ETag")).status());
        assertEquals(412, curl("/style.css", "-H", "If-Unmodified-Since: Mon, 03 Mar 2025 00:00:00 GMT").status());

        // If-Range: the range only while the representation is the one the client has
        assertEquals(206, curl("/big.bin", "-r", "0-9", "-H", "If-Range: " + curl("/big.bin", "-I")
                .header("ETag")).status());
        Curl.Result changed = curl("/big.bin", "-r", "0-9", "-H", "If-Range: \"stale\"");
        assertEquals(200, changed.status());
        assertEquals(big.length, changed.body().length);

        Files.setLastModifiedTime(root.resolve("style.css"), FileTime.from(MTIME.plusSeconds(5)));
        assertEquals(200, curl("/style.css", "--etag-compare", etag.toString()).status());
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void headAnswersTheHeadersOfGet(ServletContainer.Kind kind) {
        serve(kind, FileApplication.builder().root(root));
        Curl.Result head = curl("/big.bin", "-I");
        assertEquals(200, head.status());
        assertEquals("1048576", head.header("Content-Length"));
        assertNotNull(head.header("ETag"));
        // -I writes the header block as the output: nothing of the body follows it
        assertTrue(head.text().startsWith("HTTP/1.1 200") && head.text().endsWith("\r\n\r\n"), head.text());
        Curl.Result post = curl("/style.css", "-d", "x=1");
        assertEquals(405, post.status());
        assertEquals("GET, HEAD", post.header("Allow"));
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void aDirectoryGetsItsIndexAfterASlashRedirect(ServletContainer.Kind kind) throws IOException {
        serve(kind, FileApplication.builder().root(root));
        assertEquals("<p>home</p>\n", curl("/").text());
        assertEquals("<p>sub</p>\n", curl("/sub/").text());
        Curl.Result slash = curl("/sub", "-G", "-d", "a=1");
        assertEquals(301, slash.status());
        assertEquals("/ctx/files/sub/?a=1", slash.header("Location"));
        Files.delete(root.resolve("sub/index.html"));
        assertEquals(403, curl("/sub/").status());
        assertEquals(404, curl("/style.css/more").status());
        assertEquals(404, curl("/missing.css").status());
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void noPathLeavesTheRoot(ServletContainer.Kind kind) {
        serve(kind, FileApplication.builder().root(root));
        for (String path : List.of("/../../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
                "/sub%2f..%2f..%2fsecret.txt", "/..%5csecret.txt", "/style.css%00.txt", "/escape.txt",
                "/outside/secret.txt", "/readme.txt", "/README.TXT")) {
            Curl.Result r = curl(path, "--path-as-is");
            assertTrue(r.status() >= 400 && r.status() < 500, path + " answered " + r.status());
            assertFalse(r.text().contains("SECRET") || r.text().contains("read me"), path + " leaked: " + r.text());
        }
        assertEquals(403, curl("/escape.txt").status());
        assertEquals(404, curl("/readme.txt").status());
        assertTrue(server.logged("escape.txt", "resolves outside", "files.root"));
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void deniedPathsAreNotFoundWhetherTheyExistOrNot(ServletContainer.Kind kind) {
        serve(kind, FileApplication.builder().root(root).deny(List.of("/conf", "*.php")));
        assertEquals(404, curl("/conf/local.php").status());
        assertEquals(404, curl("/conf/none").status());
        assertEquals(404, curl("/CONF/local.php").status());
        assertEquals(200, curl("/style.css").status());
        assertTrue(server.logged("/conf/local.php", "files.deny"));
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void staticFilesServeAPrefixAndPassTheRest(ServletContainer.Kind kind) {
        GatewayApplication app = (environ, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")), null);
            return List.of(("app " + environ.get("PATH_INFO")).getBytes(StandardCharsets.UTF_8));
        };
        server = ServletContainer.start(kind, new StaticFiles(app, "/static", FilesConfig.builder().root(root).build()),
                "", "/*", Map.of());
        assertEquals("body { color: red }\n", Curl.run(work, server.uri("/static/style.css").toString()).text());
        assertEquals(206, Curl.run(work, "-r", "0-3", server.uri("/static/big.bin").toString()).status());
        assertEquals("app /staticx/style.css", Curl.run(work, server.uri("/staticx/style.css").toString()).text());
        assertEquals("app /admin/", Curl.run(work, server.uri("/admin/").toString()).text());
        assertEquals(404, Curl.run(work, server.uri("/static/nothing.css").toString()).status());
        assertNull(RawHttp.get(server.port(), "/static/style.css").header("Transfer-Encoding"));
    }
}
