package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.test.ServletContainer;

/**
 * FCGI_STDERR of a real php-fpm (PHP's error_log() with no error_log file goes to FCGI_STDERR, fpm_main.c
 * sapi_cgi_log_message) reaches the container log within {@code fastcgi.stderrLimit}, one log record per
 * record's lines, and a page that logs far more still answers whole (issue 11 §9).
 */
class FastCgiStderrLimitTest {

    @TempDir
    static Path dir;
    static PhpFpm fpm;

    @BeforeAll
    static void start() throws Exception {
        fpm = PhpFpm.tcp(dir, "static", 2)
                // 30000 messages of 99 bytes (3 MB of stderr with php-fpm's "PHP message: "), all before the body.
                .page("noisy.php", "<?php for ($i = 0; $i < 30000; $i++) { error_log(str_repeat('e', 99)); }\n"
                        + "header('Content-Type: text/plain'); echo str_repeat('0123456789abcdef', 65536);")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fpm != null) {
            fpm.close();
        }
    }

    private static ServletContainer serve(ServletContainer.Kind kind, FastCgiApplication.Builder b) {
        return ServletContainer.start(kind, b.backends(fpm.backend()).root(fpm.docroot.toString()).build(), "",
                "/*", Map.of());
    }

    private static HttpResponse<String> get(ServletContainer server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri(path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String summary(ServletContainer server) {
        List<String> log = server.log();
        return log.size() + " records, the last: " + log.subList(Math.max(0, log.size() - 3), log.size()).stream()
                .map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l).toList();
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void stderrPastTheLimitIsReadAndDroppedWithOneLineNamingTheLimit(ServletContainer.Kind kind) throws Exception {
        try (ServletContainer server = serve(kind, FastCgiApplication.builder().stderrLimit(64 * 1024))) {
            HttpResponse<String> r = get(server, "/noisy.php");
            assertEquals(200, r.statusCode());
            assertEquals("0123456789abcdef".repeat(65536), r.body(), "the answer after 3 MB of stderr is whole");
            assertTrue(server.logged("/noisy.php", "bytes dropped"), () -> "no dropped line: " + summary(server));
            List<String> dropped = server.log().stream().filter(l -> l.contains("bytes dropped")).toList();
            assertEquals(1, dropped.size(), dropped.toString());
            assertTrue(dropped.get(0).contains("FastCGI backend for /noisy.php")
                    && dropped.get(0).contains("fastcgi.stderrLimit (65536 bytes)"), dropped.get(0));
            // php-fpm sends its messages as "PHP message: eee…; PHP message: eee…": counted as they come.
            String prefix = "wsgi.errors [gateway] ";
            long logged = server.log().stream().filter(l -> l.contains("PHP message") && !l.contains("dropped"))
                    .map(l -> l.substring(l.indexOf(prefix) + prefix.length())).flatMap(String::lines)
                    .mapToLong(l -> l.length() + 1).sum();
            // whole lines (here: 8 KiB pieces) up to the limit
            assertTrue(logged > 64 * 1024 - FastCgiExchange.MAX_STDERR_LINE - 1 && logged <= 64 * 1024,
                    "logged: " + logged);
            long droppedBytes = Long.parseLong(dropped.get(0).replaceAll(".*: (\\d+) bytes dropped.*", "$1"));
            long messages = 30000 * ("PHP message: ".length() + 99 + "; ".length());
            assertTrue(Math.abs(logged + droppedBytes - messages) < 30000, "every byte counted, logged or dropped: "
                    + (logged + droppedBytes) + " of about " + messages);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void linesOfOneRecordBecomeOneLogRecord(ServletContainer.Kind kind) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            text.append("line ").append(i).append('\n');
        }
        // One FCGI_STDERR record of 1000 lines, then one with a line of 20000 bytes (split, not cut).
        try (TestBackend backend = new TestBackend((r, out) -> out.stderr(text.toString())
                .stderr("x".repeat(20000) + "\n").stdout("Content-Type: text/plain\r\n\r\nok").end());
             ServletContainer server = ServletContainer.start(kind, FastCgiApplication.builder()
                     .backends(backend.backend()).build(), "", "/*", Map.of())) {
            assertEquals("ok", get(server, "/lines").body());
            assertTrue(server.logged("line 1000"), () -> summary(server));
            List<String> records = server.log().stream().filter(l -> l.contains("line ")).toList();
            assertEquals(1, records.size(), "1000 lines of one record, one log record: " + summary(server));
            List<String> lines = records.get(0).lines().toList();
            assertEquals(1000, lines.size());
            for (int i = 0; i < 1000; i++) {
                assertTrue(lines.get(i).endsWith("line " + (i + 1)), lines.get(i));
            }
            assertTrue(server.logged("xxx"));
            assertEquals(20000, server.log().stream().filter(l -> l.contains("xxx")).flatMap(String::lines)
                    .mapToLong(l -> l.replace("wsgi.errors [gateway] ", "").length()).sum(), "the long line whole");
        }
    }

    @Test
    void theLimitTakesTheSizeGrammarAndRefusesAnUnknownUnit() {
        assertEquals(10L * 1024 * 1024, FastCgiSettings.from(Map.of(FastCgiApplication.BACKENDS, "127.0.0.1:9"))
                .stderrLimit());
        assertEquals(2L * 1024 * 1024, FastCgiSettings.from(Map.of(FastCgiApplication.BACKENDS, "127.0.0.1:9",
                FastCgiApplication.STDERR_LIMIT, "2m")).stderrLimit());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.BACKENDS, "127.0.0.1:9", FastCgiApplication.STDERR_LIMIT, "10x")));
        assertTrue(e.getMessage().contains("fastcgi.stderrLimit") && e.getMessage().contains("10x"), e.getMessage());
    }
}
