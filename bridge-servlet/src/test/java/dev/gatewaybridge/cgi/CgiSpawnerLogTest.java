package dev.gatewaybridge.cgi;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.gatewaybridge.process.NativeSpawner;
import dev.gatewaybridge.process.Spawner;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

/**
 * Issue 14 §11: which spawner starts a mapping's programs was invisible (a build without a C compiler ships no
 * gateway-spawn, and CGI then forks through the JVM, much slower). Each CGI mapping says it once at start-up.
 */
class CgiSpawnerLogTest {

    private static final Logger JUL = Logger.getLogger("dev.gatewaybridge.cgi"); // the CGI bridge's lines
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLevel() + " " + record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @TempDir
    Path dir;

    @BeforeEach
    void listen() {
        JUL.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        JUL.removeHandler(capture);
    }

    @ParameterizedTest
    @CsvSource({"JETTY,jdk,the JDK (ProcessBuilder", "TOMCAT,jdk,the JDK (ProcessBuilder",
            "JETTY,auto,the native spawner (gateway-spawn", "TOMCAT,auto,the native spawner (gateway-spawn",
            "JETTY,native,the native spawner (gateway-spawn", "TOMCAT,native,the native spawner (gateway-spawn"})
    void eachCgiMappingLogsAtStartUpWhichSpawnerRunsItsProgramsAndWhy(Kind kind, String mode, String how)
            throws Exception {
        assertTrue(NativeSpawner.available(), "this build has no gateway-spawn: the build warned about it");
        Path root = Files.createDirectories(dir.resolve("cgi-bin"));
        Path script = root.resolve("hi.sh");
        Files.writeString(script, "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n");
        script.toFile().setExecutable(true);
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/cgi-bin/*", Map.of("application",
                CgiApplication.class.getName(), "cgi.root", root.toString(), "cgi.spawner", mode))) {
            List<String> said = lines.stream().filter(l -> l.contains(root.toString())).toList();
            assertEquals(1, said.size(), "one line for the mapping: " + lines);
            String line = said.get(0);
            assertTrue(line.startsWith("INFO CGI " + root + ": programs start through " + how), line);
            assertTrue(line.endsWith("cgi.spawner=" + mode), line);
            if (!mode.equals("jdk")) {
                assertTrue(line.contains("gateway-spawn at " + NativeSpawner.extracted() + ","), line);
                assertTrue(Files.isExecutable(NativeSpawner.extracted()), line);
            }
            assertEquals("hi\n", RawHttp.get(c.port(), "/cgi-bin/hi.sh").text());
        }
    }

    /**
     * A jar built without a C compiler: the same classes in a loader that has no gateway-spawn resource. The
     * mapping still starts (auto), and its line says the JDK runs the programs and that the binary is missing.
     */
    @org.junit.jupiter.api.Test
    void aBuildWithoutGatewaySpawnSaysItStartsProgramsThroughTheJdkAndWhy() throws Exception {
        java.net.URL[] path = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> {
                    try {
                        return Path.of(entry).toUri().toURL();
                    } catch (java.net.MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                }).toArray(java.net.URL[]::new);
        java.util.concurrent.ExecutorService pumps = java.util.concurrent.Executors.newCachedThreadPool();
        try (java.net.URLClassLoader withoutBinary = new java.net.URLClassLoader(path,
                ClassLoader.getPlatformClassLoader()) {
            @Override
            public java.net.URL findResource(String name) {
                return name.endsWith("/gateway-spawn") ? null : super.findResource(name);
            }
        }) {
            java.lang.reflect.Method of = Class.forName(Spawner.class.getName(), true, withoutBinary)
                    .getDeclaredMethod("of", String.class, String.class, java.util.concurrent.ExecutorService.class,
                            String.class, System.Logger.class);
            of.setAccessible(true);
            try (AutoCloseable spawner = (AutoCloseable) of.invoke(null, "auto", CgiConfig.SPAWNER, pumps,
                    "CGI /srv/no-cc", System.getLogger(CgiApplication.class.getName()))) {
                List<String> said = lines.stream().filter(l -> l.contains("/srv/no-cc")).toList();
                assertEquals(List.of("INFO CGI /srv/no-cc: programs start through the JDK (ProcessBuilder, the JVM"
                        + " forks): cgi.spawner=auto and the native spawner is unavailable: this build has no "
                        + NativeSpawner.RESOURCE + " (no C compiler when it was built?)"), said);
            }
        } finally {
            pumps.shutdownNow();
        }
    }
}
