package dev.gatewaybridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The suite against a standalone jetty-home distribution (unpacked by the build into target/) running a copy
 * of the repository's jetty-base, as {@code java -jar start.jar} in a child JVM with a small heap, on a port
 * the kernel picks. Stopped after, leaving no process.
 */
class JettyHomeIT extends SampleSuite {

    // "Started oejs.ServerConnector@…{HTTP/1.1, (http/1.1)}{127.0.0.1:40123}"
    private static final Pattern STARTED = Pattern.compile("Started oejs\\.ServerConnector@\\S+\\{HTTP/1\\.1[^}]*\\}\\{[^}]*:(\\d+)\\}");
    private static final long START_TIMEOUT_MS = 120_000;

    private static Process jetty;
    private static Path log;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path home = Path.of(Deployments.property("it.jetty.home"));
        Path work = Deployments.workDir("jetty-home");
        Path base = work.resolve("jetty-base");
        Deployments.copyTree(Path.of(Deployments.property("it.jetty.base")), base);
        // Jetty unpacks the WAR under jetty.base/work when that exists, so nothing lands in /tmp.
        Files.createDirectories(base.resolve("work"));
        // The copy is not beside sample-war/, so tell the context file where the WAR is.
        Files.writeString(base.resolve("webapps/sample.properties"), "sample.war=" + Deployments.sampleWar() + "\n",
                StandardOpenOption.APPEND);
        log = work.resolve("jetty.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        jetty = new ProcessBuilder(List.of(java, Deployments.property("it.server.heap"), "-jar",
                home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base,
                "jetty.http.host=127.0.0.1", "jetty.http.port=0"))
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // Should this JVM die before @AfterAll (a killed build), take the server down with it.
        Process started = jetty;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.descendants().forEach(ProcessHandle::destroyForcibly);
            started.destroyForcibly();
        }, "stop-jetty-home"));
        port = awaitPort();
    }

    /** The port from the connector's start line in the log; fails with the log if Jetty dies or hangs. */
    private static int awaitPort() throws Exception {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = STARTED.matcher(text);
            if (text.contains("Failed startup of context")) {
                stop();
                throw new IllegalStateException("the sample WAR failed to deploy:\n" + text);
            }
            if (m.find() && text.contains("Started oejs.Server@")) {
                return Integer.parseInt(m.group(1));
            }
            if (!jetty.isAlive()) {
                throw new IllegalStateException("jetty exited with " + jetty.exitValue() + ":\n" + text);
            }
            Thread.sleep(100);
        }
        stop();
        throw new IllegalStateException("jetty did not start in " + START_TIMEOUT_MS + " ms:\n" + Files.readString(log));
    }

    @AfterAll
    static void stop() throws Exception {
        if (jetty == null) {
            return;
        }
        List<ProcessHandle> children = jetty.descendants().toList();
        jetty.destroy(); // SIGTERM: Jetty's shutdown hook stops the server gracefully
        if (!jetty.waitFor(30, TimeUnit.SECONDS)) {
            jetty.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
        assertFalse(jetty.isAlive(), "jetty still running");
        assertEquals(0, children.stream().filter(ProcessHandle::isAlive).count(), "child processes left");
        jetty = null;
    }

    @Override
    int port() {
        return port;
    }
}
