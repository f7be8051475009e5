package dev.gatewaybridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatewaybridge.test.RawHttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The suite against a standalone Tomcat 11 distribution (unpacked by the build into target/), deployed as
 * docs/containers.md, "Running on Tomcat", says: the WAR dropped into webapps/, the ports edited in conf/server.xml,
 * {@code bin/catalina.sh run}, in a CATALINA_BASE of its own under it-work with a small heap. Stopped after,
 * leaving no process.
 */
class TomcatHomeIT extends SampleSuite {

    private static final long START_TIMEOUT_MS = 120_000;

    private static Process tomcat;
    private static Path base;
    private static Path console;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path home = Path.of(Deployments.property("it.tomcat.home"));
        port = Integer.parseInt(Deployments.property("it.tomcat.home.port"));
        base = Deployments.workDir("tomcat-home");
        Deployments.copyTree(home.resolve("conf"), base.resolve("conf"));
        for (String dir : List.of("logs", "temp", "webapps", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        Files.copy(Deployments.sampleWar(), base.resolve("webapps/sample.war"));
        Path serverXml = base.resolve("conf/server.xml");
        String xml = Files.readString(serverXml);
        // The edit of docs/containers.md (port, loopback address, shutdown port);
        // continueResponseTiming as TomcatIT sets it.
        String edited = xml.replace("port=\"8080\" protocol=\"HTTP/1.1\"", "port=\"" + port
                        + "\" address=\"127.0.0.1\" continueResponseTiming=\"onRead\" protocol=\"HTTP/1.1\"")
                .replace("<Server port=\"8005\"", "<Server port=\"-1\"");
        assertFalse(edited.equals(xml) || edited.contains("port=\"8080\" protocol"), "server.xml not as expected");
        Files.writeString(serverXml, edited);
        console = base.resolve("logs/console.log");
        ProcessBuilder pb = new ProcessBuilder(List.of(home.resolve("bin/catalina.sh").toString(), "run"))
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(console.toFile());
        pb.environment().put("CATALINA_HOME", home.toString());
        pb.environment().put("CATALINA_BASE", base.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("CATALINA_OPTS", Deployments.property("it.server.heap"));
        tomcat = pb.start();
        Process started = tomcat;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.descendants().forEach(ProcessHandle::destroyForcibly);
            started.destroyForcibly();
        }, "stop-tomcat-home"));
        awaitSample();
    }

    /** Waits for /sample/hello to answer; fails with the console if Tomcat dies or hangs. */
    private static void awaitSample() throws Exception {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!tomcat.isAlive()) {
                throw new IllegalStateException("tomcat exited with " + tomcat.exitValue() + ":\n"
                        + Files.readString(console));
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                if (RawHttp.get(port, "/sample/hello").status() == 200) {
                    return;
                }
            } catch (IOException | java.io.UncheckedIOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        stop();
        throw new IllegalStateException("tomcat did not serve /sample/hello in " + START_TIMEOUT_MS + " ms:\n"
                + Files.readString(console));
    }

    @AfterAll
    static void stop() throws Exception {
        if (tomcat == null) {
            return;
        }
        List<ProcessHandle> children = tomcat.descendants().toList();
        tomcat.destroy(); // catalina.sh run execs java: SIGTERM runs Tomcat's shutdown hook
        if (!tomcat.waitFor(30, TimeUnit.SECONDS)) {
            tomcat.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
        assertFalse(tomcat.isAlive(), "tomcat still running");
        assertEquals(0, children.stream().filter(ProcessHandle::isAlive).count(), "child processes left");
        tomcat = null;
    }

    @Override
    int port() {
        return port;
    }

    /** docs/logging.md: the servlet's lines are in catalina.out and catalina.DATE.log, not localhost.DATE.log. */
    @Test
    void theServletsLinesLandInTheCatalinaLogNotTheLocalhostLog() throws Exception {
        assertEquals(404, RawHttp.get(port, "/sample/cgi-bin/no-such-program.sh").status());
        String line = "GatewayServlet [cgi] 404 CGI: no file for \"/no-such-program.sh\"";
        long deadline = System.currentTimeMillis() + 10_000; // the file handler writes asynchronously
        while (!(log("catalina.").contains(line) && Files.readString(console).contains(line))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(log("catalina.").contains(line), "catalina.*.log:\n" + log("catalina."));
        assertTrue(Files.readString(console).contains(line), "console (catalina.out)");
        assertFalse(log("localhost.").contains(line), "localhost.*.log:\n" + log("localhost."));
    }

    /** The text of the logs/ files whose names start with {@code prefix} and end in .log. */
    private static String log(String prefix) throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)
                    && f.getFileName().toString().endsWith(".log")).toList()) {
                text.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }
}
