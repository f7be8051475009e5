package dev.gatewaybridge.cgi;

import static dev.gatewaybridge.cgi.CgiHarness.script;
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

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.test.ServletContainer;

/**
 * A CGI program's stderr reaches the container log within {@code cgi.stderrLimit} (Apache's ScriptLogLength),
 * the lines read together as one log record, and a program that writes far more never hangs (issue 11 §9).
 */
class CgiStderrLimitTest {

    @TempDir
    Path dir;
    Path root;

    @BeforeEach
    void scripts() throws Exception {
        root = dir.resolve("cgi-bin");
        // 2.25 MiB of zeros as base64: 3 MiB of stderr in 76-character lines, all before any stdout.
        script(root, "noisy.sh", "#!/bin/sh\nhead -c 2359296 /dev/zero | base64 >&2\n"
                + "printf 'Content-Type: text/plain\\n\\n'\nseq 1 20000\n");
        // 1000 lines at once, then the answer.
        script(root, "lines.sh", "#!/bin/sh\nseq 1 1000 | sed 's/^/line /' >&2\n"
                + "printf 'Content-Type: text/plain\\n\\nok'\n");
    }

    private static HttpResponse<String> get(ServletContainer server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri(path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String expectedBody() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 20000; i++) {
            b.append(i).append('\n');
        }
        return b.toString();
    }

    /** The bytes of the program's stderr lines in the log: the log lines without the servlet's and bridge's prefixes. */
    private static long stderrBytes(List<String> log, String label) {
        String prefix = "[cgi " + label + "] ";
        return log.stream().flatMap(record -> record.lines())
                .filter(l -> l.contains(prefix) && !l.contains("bytes dropped"))
                .mapToLong(l -> l.substring(l.indexOf(prefix) + prefix.length()).length() + 1).sum();
    }

    private static List<String> dropped(ServletContainer server) {
        assertTrue(server.logged("noisy.sh", "bytes dropped"), "no dropped line: " + server.log().size() + " records");
        return server.log().stream().filter(l -> l.contains("bytes dropped")).toList();
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void stderrPastTheLimitIsReadAndDroppedWithOneLineNamingTheLimit(ServletContainer.Kind kind) throws Exception {
        CgiApplication app = CgiApplication.builder().root(root).stderrLimit(64 * 1024).application();
        try (app; ServletContainer server = ServletContainer.start(kind, app, "", "/cgi-bin/*", Map.of())) {
            HttpResponse<String> r = get(server, "/cgi-bin/noisy.sh");
            assertEquals(200, r.statusCode());
            assertEquals(expectedBody(), r.body(), "the answer after 3 MiB of stderr is complete");
            List<String> dropped = dropped(server);
            assertEquals(1, dropped.size(), dropped.toString());
            assertTrue(dropped.get(0).contains("CGI program noisy.sh") && dropped.get(0).contains(
                    "cgi.stderrLimit (65536 bytes)"), dropped.get(0));
            long logged = stderrBytes(server.log(), "noisy.sh");
            assertTrue(logged > 60 * 1024 && logged <= 64 * 1024, "stderr bytes logged: " + logged);
            long droppedBytes = Long.parseLong(dropped.get(0).replaceAll(".*: (\\d+) bytes dropped.*", "$1"));
            assertEquals(3187120, logged + droppedBytes, "every byte counted, logged or dropped");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void aLimitOfZeroLogsOnlyTheDroppedLineAndTheJdkSpawnerDoesNotHangEither(ServletContainer.Kind kind)
            throws Exception {
        CgiApplication app = CgiApplication.builder().root(root).spawner("jdk").stderrLimit(0).application();
        try (app; ServletContainer server = ServletContainer.start(kind, app, "", "/cgi-bin/*", Map.of())) {
            HttpResponse<String> r = get(server, "/cgi-bin/noisy.sh");
            assertEquals(200, r.statusCode());
            assertEquals(expectedBody(), r.body());
            assertEquals(1, dropped(server).size());
            assertEquals(0, stderrBytes(server.log(), "noisy.sh"), "nothing of it logged");
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void linesWrittenTogetherBecomeFewLogRecordsEachLineKeepingItsPrefix(ServletContainer.Kind kind) throws Exception {
        for (String spawner : List.of("native", "jdk")) {
            CgiApplication app = CgiApplication.builder().root(root).spawner(spawner).application();
            try (app; ServletContainer server = ServletContainer.start(kind, app, "", "/cgi-bin/*", Map.of())) {
                assertEquals("ok", get(server, "/cgi-bin/lines.sh").body());
                assertTrue(server.logged("[cgi lines.sh] line 1000"));
                List<String> records = server.log().stream().filter(l -> l.contains("[cgi lines.sh]")).toList();
                List<String> lines = records.stream().flatMap(String::lines).toList();
                assertEquals(1000, lines.size(), spawner + ": every line logged once");
                for (int i = 0; i < 1000; i++) {
                    assertTrue(lines.get(i).endsWith("[cgi lines.sh] line " + (i + 1)), spawner + ": " + lines.get(i));
                }
                // A record per line cost each line the container's record header (Tomcat: 2.5x the text).
                assertTrue(records.size() <= 20, spawner + ": " + records.size() + " records for 1000 lines");
            }
        }
    }

    @Test
    void theLimitTakesTheSizeGrammarAndRefusesANegativeOne() {
        Path r = root.toAbsolutePath();
        assertEquals(64 * 1024, CgiConfig.fromParams(Map.of(CgiConfig.ROOT, r.toString(), CgiConfig.STDERR_LIMIT,
                "64k")).stderrLimit());
        assertEquals(10L * 1024 * 1024, CgiConfig.fromParams(Map.of(CgiConfig.ROOT, r.toString())).stderrLimit());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CgiConfig.fromParams(
                Map.of(CgiConfig.ROOT, r.toString(), CgiConfig.STDERR_LIMIT, "-1")));
        assertTrue(e.getMessage().contains("cgi.stderrLimit") && e.getMessage().contains("-1"), e.getMessage());
    }
}
