package dev.gatewaybridge.cgi;

import static dev.gatewaybridge.cgi.CgiHarness.environ;
import static dev.gatewaybridge.cgi.CgiHarness.envLines;
import static dev.gatewaybridge.cgi.CgiHarness.run;
import static dev.gatewaybridge.cgi.CgiHarness.script;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;

/**
 * CgiApplication against real shell, Perl and Python scripts, called in process with a built environ, with the
 * default spawner (native where the build has it); {@link CgiApplicationJdkSpawnerTest} runs them all again
 * with ProcessBuilder.
 */
class CgiApplicationTest {

    static final String PRINTENV = "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\n\";\n"
            + "print \"$_=$ENV{$_}\\n\" for sort keys %ENV;\nprint \"ARGV=@ARGV\\n\";\n";

    @TempDir
    Path dir;
    Path root;
    CgiApplication app;

    /** The {@link CgiConfig#SPAWNER} these tests run with. */
    String spawner() {
        return "auto";
    }

    CgiConfig.Builder builder() {
        return CgiApplication.builder().spawner(spawner());
    }

    @BeforeEach
    void scripts() throws IOException {
        root = dir.resolve("cgi-bin");
        script(root, "hello.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhello\\n'\n");
        script(root, "printenv.pl", PRINTENV);
        script(root, "sub/deep.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n%s|%s\\n' \"$SCRIPT_NAME\" \"$PATH_INFO\"\n");
        app = builder().root(root).timeout(Duration.ofSeconds(10)).application();
    }

    @AfterEach
    void close() {
        app.close();
    }

    @Test
    void shellScriptAnswersItsDocument() throws Exception {
        var r = run(app, environ("GET", "/cgi-bin", "/hello.sh", ""));
        assertEquals("200 OK", r.statusLine());
        assertEquals("text/plain", r.header("Content-Type"));
        assertEquals("hello\n", r.text());
    }

    @Test
    void environmentHasTheMetaVariablesAndNothingOfTheJvm() throws Exception {
        var env = environ("GET", "/cgi-bin", "/printenv.pl/extra/path", "a=1&b=2");
        env.put(Environ.httpKey("X-Custom"), "yes");
        env.put(Environ.httpKey("Proxy"), "http://evil:3128");
        env.put(Environ.httpKey("Authorization"), "Basic c2VjcmV0");
        env.put(Environ.httpKey("Proxy-Authorization"), "Basic c2VjcmV0");
        env.put(Environ.httpKey("X-Evil"), "a\nb");
        env.put(Environ.httpKey("Content-Type"), "text/evil");
        var vars = envLines(run(app, env).text());
        assertEquals(new TreeSet<>(Set.of("ARGV", "GATEWAY_INTERFACE", "HTTP_HOST", "HTTP_X_CUSTOM", "PATH",
                "PATH_INFO", "QUERY_STRING", "REMOTE_ADDR", "REMOTE_PORT", "REQUEST_METHOD", "REQUEST_SCHEME",
                "REQUEST_URI", "SCRIPT_FILENAME", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
                "SERVER_SOFTWARE")), new TreeSet<>(vars.keySet()));
        assertEquals("CGI/1.1", vars.get("GATEWAY_INTERFACE"));
        assertEquals("/cgi-bin/printenv.pl", vars.get("SCRIPT_NAME"));
        assertEquals("/extra/path", vars.get("PATH_INFO"));
        assertEquals(root.resolve("printenv.pl").toString(), vars.get("SCRIPT_FILENAME"));
        assertEquals("a=1&b=2", vars.get("QUERY_STRING"));
        assertEquals(CgiConfig.DEFAULT_PATH, vars.get("PATH"));
        assertEquals("", vars.get("ARGV"), "no argv from a query with '='");
    }

    @Test
    void authorizationPassesOnlyWhenEnabledAndFixedAndPassedVariablesArrive() throws Exception {
        try (var withAuth = builder().root(root).passAuthorization(true).env("REDIRECT_STATUS", "200")
                .env("APP_MODE", "test").passEnv("HOME", "NOT_SET_ANYWHERE").application()) {
            var env = environ("GET", "/cgi-bin", "/printenv.pl", "");
            env.put(Environ.httpKey("Authorization"), "Basic c2VjcmV0");
            var vars = envLines(run(withAuth, env).text());
            assertEquals("Basic c2VjcmV0", vars.get("HTTP_AUTHORIZATION"));
            assertEquals("test", vars.get("APP_MODE"));
            assertEquals("200", vars.get("REDIRECT_STATUS"));
            assertEquals(System.getenv("HOME"), vars.get("HOME"));
            assertFalse(vars.containsKey("NOT_SET_ANYWHERE"));
        }
    }

    @Test
    void headerAllowListLimitsHttpVariables() throws Exception {
        try (var listed = builder().root(root).headers("Accept", "x_two").application()) {
            var env = environ("GET", "/cgi-bin", "/printenv.pl", "");
            env.put(Environ.httpKey("Accept"), "*/*");
            env.put(Environ.httpKey("X-One"), "1");
            env.put(Environ.httpKey("X-Two"), "2");
            var vars = envLines(run(listed, env).text());
            assertEquals("*/*", vars.get("HTTP_ACCEPT"));
            assertEquals("2", vars.get("HTTP_X_TWO"));
            assertNull(vars.get("HTTP_X_ONE"));
            assertNull(vars.get("HTTP_HOST"));
        }
    }

    @Test
    void segmentWalkSplitsScriptNameAndPathInfo() throws Exception {
        assertEquals("/cgi-bin/sub/deep.sh|/a/b\n", run(app, environ("GET", "/cgi-bin", "/sub/deep.sh/a/b", "")).text());
        assertEquals("/cgi-bin/sub/deep.sh|\n", run(app, environ("GET", "/cgi-bin", "/sub/deep.sh", "")).text());
    }

    @Test
    void refusedPathsGetTheirStatus() throws Exception {
        Files.writeString(root.resolve("noexec.sh"), "#!/bin/sh\necho\n");
        Path outside = script(dir, "outside/evil.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nEVIL\\n'\n");
        Files.createSymbolicLink(root.resolve("link.sh"), outside);
        Files.createSymbolicLink(root.resolve("linkdir"), outside.getParent());
        Files.createSymbolicLink(root.resolve("inside.sh"), root.resolve("hello.sh"));
        assertEquals(404, run(app, environ("GET", "/cgi-bin", "/missing.sh", "")).status());
        assertEquals(404, run(app, environ("GET", "/cgi-bin", "/HELLO.SH", "")).status(), "case-exact");
        assertEquals(404, run(app, environ("GET", "/cgi-bin", "/Hello.sh", "")).status(), "case-exact");
        assertEquals(403, run(app, environ("GET", "/cgi-bin", "/noexec.sh", "")).status());
        assertEquals(403, run(app, environ("GET", "/cgi-bin", "/sub", "")).status());
        assertEquals(403, run(app, environ("GET", "/cgi-bin", "", "")).status());
        assertEquals(403, run(app, environ("GET", "/cgi-bin", "/sub/../hello.sh", "")).status());
        assertEquals(403, run(app, environ("GET", "/cgi-bin", "/../outside/evil.sh", "")).status());
        assertEquals(403, run(app, environ("GET", "/cgi-bin", "/link.sh", "")).status(), "symlink out");
        assertEquals(403, run(app, environ("GET", "/cgi-bin", "/linkdir/evil.sh", "")).status(), "symlink dir out");
        assertEquals("hello\n", run(app, environ("GET", "/cgi-bin", "/inside.sh", "")).text(), "symlink in");
        assertEquals(400, run(app, environ("GET", "/cgi-bin", "/hello.sh\0x", "")).status(), "NUL");
        assertEquals(403, run(app, environ("GET", "/cgi-bin", "/sub\\deep.sh", "")).status(), "backslash");
        var encoded = environ("GET", "/cgi-bin", "/sub/deep.sh", "");
        encoded.put(Environ.REQUEST_URI, "/cgi-bin/sub%2fdeep.sh");
        assertEquals(403, run(app, encoded).status(), "encoded slash");
        var notAllowed = run(app, environ("DELETE", "/cgi-bin", "/hello.sh", ""));
        assertEquals(405, notAllowed.status());
        assertEquals("GET, HEAD, POST", notAllowed.header("Allow"));
    }

    @Test
    void extensionsAndInterpretersApply() throws Exception {
        script(root, "hello.py", "import sys\nsys.stdout.write('Content-Type: text/plain\\n\\npython ' + sys.argv[0] + '\\n')\n");
        Files.setPosixFilePermissions(root.resolve("hello.py"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (var mapped = builder().root(root).interpreter(".py", "/usr/bin/python3")
                .extension(".py").extension(".pl").application()) {
            assertEquals("python " + root.resolve("hello.py") + "\n",
                    run(mapped, environ("GET", "/cgi-bin", "/hello.py", "")).text());
            assertTrue(run(mapped, environ("GET", "/cgi-bin", "/printenv.pl", "")).text().contains("GATEWAY_INTERFACE"));
            assertEquals(403, run(mapped, environ("GET", "/cgi-bin", "/hello.sh", "")).status());
        }
    }

    @Test
    void queryArgumentsOnlyWhenEnabledAndHarmless() throws Exception {
        assertEquals("", envLines(run(app, environ("GET", "/cgi-bin", "/printenv.pl", "one+two")).text()).get("ARGV"));
        try (var args = builder().root(root).queryArgs(true).application()) {
            assertEquals("one two", envLines(run(args, environ("GET", "/cgi-bin", "/printenv.pl", "one+two")).text()).get("ARGV"));
            assertEquals(400, run(args, environ("GET", "/cgi-bin", "/printenv.pl", "-s")).status(), "php-cgi -s");
            assertEquals(400, run(args, environ("GET", "/cgi-bin", "/printenv.pl", "a+%26calc")).status());
            assertEquals(400, run(args, environ("GET", "/cgi-bin", "/printenv.pl", "a%20b")).status());
        }
    }

    @Test
    void requestBodyIsStreamedToStdinAndBack() throws Exception {
        script(root, "echo.sh", "#!/bin/sh\nprintf 'Content-Type: application/octet-stream\\n\\n'\nexec cat\n");
        for (int size : new int[] {0, 100, CgiProcess.INLINE_BODY, CgiProcess.INLINE_BODY + 1, 3_000_000}) {
            byte[] body = new byte[size];
            new Random(size).nextBytes(body);
            var r = run(app, CgiHarness.post("/cgi-bin", "/echo.sh", body));
            assertEquals(200, r.status());
            assertArrayEquals(body, r.body(), "size " + size);
        }
        // A chunked request: no CONTENT_LENGTH, the server terminates the input.
        byte[] body = new byte[200_000];
        new Random(1).nextBytes(body);
        var env = CgiHarness.post("/cgi-bin", "/echo.sh", body);
        env.remove(Environ.CONTENT_LENGTH);
        env.put(Environ.httpKey("Transfer-Encoding"), "chunked");
        assertArrayEquals(body, run(app, env).body());
        // HTTP/2 has no Transfer-Encoding: a body without a length is read to its end all the same.
        env = CgiHarness.post("/cgi-bin", "/echo.sh", body);
        env.remove(Environ.CONTENT_LENGTH);
        env.put(Environ.SERVER_PROTOCOL, "HTTP/2");
        assertArrayEquals(body, run(app, env).body());
        // HTTP/1.1 with neither header: no body (RFC 9112 §6.3), whatever the stream would give.
        env = CgiHarness.post("/cgi-bin", "/echo.sh", body);
        env.remove(Environ.CONTENT_LENGTH);
        assertEquals(0, run(app, env).body().length);
    }

    @Test
    void programThatIgnoresAHugeBodyStillAnswers() throws Exception {
        byte[] body = new byte[5_000_000];
        var r = run(app, CgiHarness.post("/cgi-bin", "/hello.sh", body));
        assertEquals("hello\n", r.text());
    }

    @Test
    void localRedirectIsReDispatchedAsGet() throws Exception {
        script(root, "go.sh", "#!/bin/sh\nprintf 'Location: /cgi-bin/printenv.pl/p?x=1\\n\\n'\n");
        var r = run(app, CgiHarness.post("/cgi-bin", "/go.sh", "data".getBytes()));
        var vars = envLines(r.text());
        assertEquals(200, r.status());
        assertEquals("GET", vars.get("REQUEST_METHOD"));
        assertEquals("x=1", vars.get("QUERY_STRING"));
        assertEquals("/p", vars.get("PATH_INFO"));
        assertEquals("/cgi-bin/go.sh", vars.get("REDIRECT_URL"));
        assertEquals("200", vars.get("REDIRECT_STATUS"));
        assertNull(vars.get("CONTENT_LENGTH"));
    }

    @Test
    void localRedirectLoopEndsIn500AndOutsideTheMountGoesToTheClient() throws Exception {
        script(root, "loop.sh", "#!/bin/sh\nprintf 'Location: /cgi-bin/loop.sh\\n\\n'\n");
        assertEquals(500, run(app, environ("GET", "/cgi-bin", "/loop.sh", "")).status());
        script(root, "away.sh", "#!/bin/sh\nprintf 'Location: /elsewhere/page\\n\\n'\n");
        var r = run(app, environ("GET", "/cgi-bin", "/away.sh", ""));
        assertEquals(302, r.status());
        assertEquals("/elsewhere/page", r.header("Location"));
    }

    @Test
    void clientRedirectAndStatusPassThrough() throws Exception {
        script(root, "redir.sh", "#!/bin/sh\nprintf 'Location: https://example.com/\\n\\n'\n");
        var r = run(app, environ("GET", "/cgi-bin", "/redir.sh", ""));
        assertEquals("302 Found", r.statusLine());
        assertEquals("https://example.com/", r.header("Location"));
        script(root, "teapot.sh", "#!/bin/sh\nprintf 'Status: 418 Teapot\\r\\nContent-Type: text/plain\\r\\nSet-Cookie: a=1\\r\\nSet-Cookie: b=2\\r\\n\\r\\nshort'\n");
        r = run(app, environ("GET", "/cgi-bin", "/teapot.sh", ""));
        assertEquals("418 Teapot", r.statusLine());
        assertEquals(2, r.headers().stream().filter(h -> h.is("Set-Cookie")).count(), "every header value kept");
        assertEquals("short", r.text());
    }

    @Test
    void nphProgramsPassTheirStatusLineAndBody() throws Exception {
        script(root, "nph-raw.sh", "#!/bin/sh\nprintf 'HTTP/1.1 207 Multi\\r\\nContent-Type: text/plain\\r\\nConnection: close\\r\\n\\r\\nraw body'\n");
        var r = run(app, environ("GET", "/cgi-bin", "/nph-raw.sh", ""));
        assertEquals("207 Multi", r.statusLine());
        assertNull(r.header("Connection"));
        assertEquals("raw body", r.text());
    }

    @Test
    void malformedOutputIs502() throws Exception {
        script(root, "bad.sh", "#!/bin/sh\necho 'this is not a header'\n");
        script(root, "silent.sh", "#!/bin/sh\nexit 3\n");
        script(root, "noshebang.sh", "printf 'Content-Type: text/plain\\n\\nhi'\n");
        var noShebang = run(app, environ("GET", "/cgi-bin", "/noshebang.sh", ""));
        assertEquals(500, noShebang.status());
        assertTrue(noShebang.statusLine().contains("cannot start"), noShebang.statusLine());
        script(root, "split.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\rSet-Cookie: x=1\\n\\n'\n");
        assertEquals(502, run(app, environ("GET", "/cgi-bin", "/bad.sh", "")).status());
        assertEquals(502, run(app, environ("GET", "/cgi-bin", "/silent.sh", "")).status());
        var r = run(app, environ("GET", "/cgi-bin", "/split.sh", ""));
        assertEquals(502, r.status());
        assertTrue(r.statusLine().contains("split.sh") && r.statusLine().contains("bare CR"), r.statusLine());
    }

    @Test
    void stderrGoesToWsgiErrorsLineByLine() throws Exception {
        script(root, "noisy.sh", "#!/bin/sh\necho one >&2\nprintf 'Content-Type: text/plain\\n\\nok'\necho two >&2\n");
        var r = run(app, environ("GET", "/cgi-bin", "/noisy.sh", ""));
        assertEquals("ok", r.text());
        assertEquals("[cgi noisy.sh] one\n[cgi noisy.sh] two\n", r.errors().replace("\r\n", "\n"));
    }

    @Test
    void nonZeroExitAfterAnAnswerIsLogged() throws Exception {
        script(root, "fail.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nok'\nexit 3\n");
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        var logger = java.util.logging.Logger.getLogger(CgiProcess.class.getName());
        var handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            assertEquals("ok", run(app, environ("GET", "/cgi-bin", "/fail.sh", "")).text());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!logged.contains("CGI: fail.sh exited with status 3") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(logged.contains("CGI: fail.sh exited with status 3"), logged.toString());
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void programThatCannotBeExecutedIs500NamingTheReason() throws Exception {
        script(root, "nointerp.sh", "#!/no/such/interpreter\n");
        var r = run(app, environ("GET", "/cgi-bin", "/nointerp.sh", ""));
        assertEquals(500, r.status());
        assertTrue(r.statusLine().contains("cannot start") && r.statusLine().contains("No such file or directory"),
                r.statusLine());
    }

    @Test
    void largeOutputArrivesWhole() throws Exception {
        script(root, "big.sh", "#!/bin/sh\nprintf 'Content-Type: application/octet-stream\\n\\n'\n"
                + "exec head -c 8000000 /dev/zero\n");
        var r = run(app, environ("GET", "/cgi-bin", "/big.sh", ""));
        assertEquals(200, r.status());
        assertEquals(8_000_000, r.body().length);
    }

    @Test
    void programThatFloodsStderrIsNeverBlocked() throws Exception {
        script(root, "flood.sh", "#!/bin/sh\nhead -c 2000000 /dev/zero | tr '\\0' 'x' | fold -w 100 >&2\n"
                + "printf 'Content-Type: text/plain\\n\\ndone'\n");
        var r = run(app, environ("GET", "/cgi-bin", "/flood.sh", ""));
        assertEquals("done", r.text());
        assertEquals(20_000, r.errors().lines().count());
    }

    @Test
    void timeoutBeforeHeadersIs504AndKillsTheDescendants() throws Exception {
        String marker = "cgi-timeout-marker-" + System.nanoTime();
        script(root, "slow.sh", "#!/bin/sh\n/bin/sleep 300 " + marker + " 2>/dev/null &\n/bin/sleep 301\n");
        // sleep refuses the extra operand: use a shell loop child instead, named by its argv
        script(root, "slow.sh", "#!/bin/sh\n/bin/sh -c 'while :; do /bin/sleep 1; done' " + marker + " &\n/bin/sleep 301\n");
        try (var quick = builder().root(root).timeout(Duration.ofMillis(500)).application()) {
            long t0 = System.nanoTime();
            var r = run(quick, environ("GET", "/cgi-bin", "/slow.sh", ""));
            assertEquals(504, r.status());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        }
        assertEquals(0, ProcessCensus.withArgument(marker), "descendants killed");
    }

    @Test
    void timeoutAfterHeadersAbortsTheBody() throws Exception {
        script(root, "stall.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\npart'\nexec /bin/sleep 300\n");
        try (var quick = builder().root(root).timeout(Duration.ofMillis(1500)).application()) {
            assertThrows(UncheckedIOException.class, () -> run(quick, environ("GET", "/cgi-bin", "/stall.sh", "")));
        }
    }

    @Test
    void busyApplicationAnswers503WithRetryAfter() throws Exception {
        script(root, "wait.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nexec /bin/sleep 300\n");
        try (var one = builder().root(root).maxProcesses(1).retryAfter(7).application()) {
            Iterable<byte[]> first = one.call(environ("GET", "/cgi-bin", "/wait.sh", ""), (s, h, e) -> b -> { });
            var r = run(one, environ("GET", "/cgi-bin", "/hello.sh", ""));
            assertEquals(503, r.status());
            assertEquals("7", r.header("Retry-After"));
            Bodies.close(first); // the client went away: the program is killed, the slot free again
            assertEquals("hello\n", run(one, environ("GET", "/cgi-bin", "/hello.sh", "")).text());
        }
    }

    @Test
    void clientDisconnectKillsTheProgram() throws Exception {
        String marker = "cgi-disconnect-" + System.nanoTime();
        script(root, "stream.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\n"
                + "exec /bin/sh -c 'while :; do echo tick; /bin/sleep 0.05; done' " + marker + "\n");
        Iterable<byte[]> body = app.call(environ("GET", "/cgi-bin", "/stream.sh", ""), (s, h, e) -> b -> { });
        Iterator<byte[]> it = body.iterator();
        assertTrue(new String(it.next()).startsWith("tick"));
        assertTrue(ProcessCensus.awaitRunning(marker) >= 1, "running"); // a fork about to exec may show twice
        Bodies.close(body);
        assertEquals(0, ProcessCensus.withArgument(marker));
    }

    @Test
    void clientThatFailsWhileUploadingKillsTheProgram() throws Exception {
        script(root, "slurp.sh", "#!/bin/sh\ncat >/dev/null\nprintf 'Content-Type: text/plain\\n\\nall read'\n");
        var env = CgiHarness.post("/cgi-bin", "/slurp.sh", new byte[0]);
        env.put(Environ.CONTENT_LENGTH, "1000000");
        env.put(Environ.WSGI_INPUT, new InputStream() {
            int sent;

            @Override
            public int read() throws IOException {
                throw new IOException("client reset");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent > 100_000) {
                    throw new IOException("client reset");
                }
                sent += len;
                return len;
            }
        });
        assertThrows(IOException.class, () -> run(app, env));
    }

    @Test
    void closeKillsEveryRunningProgram() throws Exception {
        String marker = "cgi-close-" + System.nanoTime();
        script(root, "forever.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\n"
                + "exec /bin/sh -c 'while :; do /bin/sleep 1; done' " + marker + "\n");
        var local = builder().root(root).application();
        local.call(environ("GET", "/cgi-bin", "/forever.sh", ""), (s, h, e) -> b -> { });
        assertTrue(ProcessCensus.awaitRunning(marker) >= 1, "running"); // a fork about to exec may show twice
        local.close();
        assertEquals(0, ProcessCensus.withArgument(marker));
    }

    @Test
    void concurrentRequestsAllComplete() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return run(app, environ("GET", "/cgi-bin", "/hello.sh", "")).text();
                }));
            }
            go.countDown();
            for (var f : results) {
                assertEquals("hello\n", f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badConfigurationNamesTheParam() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CgiApplication(Map.of("cgi.rot", "/x")));
        assertTrue(e.getMessage().contains("cgi.rot"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CgiApplication(Map.of("other", "x")));
        assertTrue(e.getMessage().contains("cgi.program") && e.getMessage().contains("cgi.root"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CgiApplication(Map.of("cgi.root", root.toString(), "cgi.timeout", "soon")));
        assertTrue(e.getMessage().contains("cgi.timeout") && e.getMessage().contains("soon"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CgiApplication(Map.of("cgi.root", root.toString(), "cgi.interpreters", ".py=/no/python")));
        assertTrue(e.getMessage().contains("cgi.interpreters"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CgiApplication(Map.of("cgi.root", root.resolve("nope").toString())));
        assertTrue(e.getMessage().contains("cgi.root"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new CgiApplication(Map.of("cgi.root", root.toString(), "cgi.passAuthorization", "yes")));
        assertTrue(e.getMessage().contains("cgi.passAuthorization"), e.getMessage());
    }

    @Test
    void initParamsConfigureEverything() throws Exception {
        try (var fromParams = new CgiApplication(Map.of("cgi.program", root.resolve("printenv.pl").toString(),
                "cgi.env", "A=1\nB=two words", "cgi.spawner", spawner(), "cgi.serverSoftware", "Test/1", "cgi.documentRoot", dir.toString(),
                "unrelated", "ignored"))) {
            var vars = envLines(run(fromParams, environ("GET", "/app", "/x/y", "")).text());
            assertEquals("1", vars.get("A"));
            assertEquals("two words", vars.get("B"));
            assertEquals("Test/1", vars.get("SERVER_SOFTWARE"));
            assertEquals("/app", vars.get("SCRIPT_NAME"));
            assertEquals("/x/y", vars.get("PATH_INFO"));
            assertEquals(dir + "/x/y", vars.get("PATH_TRANSLATED"));
            assertEquals(dir.toString(), vars.get("DOCUMENT_ROOT"));
        }
    }
}
