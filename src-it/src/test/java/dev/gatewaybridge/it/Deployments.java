package dev.gatewaybridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Where the build put things for the suite: the system properties failsafe passes (see src-it/pom.xml). */
final class Deployments {

    private Deployments() {
    }

    /** System property {@code name}; fails naming it when the build did not set it. */
    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + name + " is not set (got " + value
                    + "): run the integration tests through Maven (mvn verify), which sets it");
        }
        return value;
    }

    private static final long PLUGIN_START_TIMEOUT_MS = 120_000;
    private static volatile boolean pluginJettyUp;

    /**
     * The port of the Jetty jetty-ee10-maven-plugin forked before failsafe, once it listens: the plugin stops
     * waiting for its child after a while, and on a loaded machine the child can take longer.
     */
    static int pluginJettyPort() {
        int port = Integer.parseInt(property("it.jetty.plugin.port"));
        long deadline = System.currentTimeMillis() + PLUGIN_START_TIMEOUT_MS;
        while (!pluginJettyUp) {
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
                pluginJettyUp = true;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the plugin-started Jetty is not listening on port " + port
                            + " after " + PLUGIN_START_TIMEOUT_MS + " ms; see src-it/target/jetty-start-war.out", e);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for Jetty", interrupted);
                }
            }
        }
        return port;
    }

    /** The packaged sample WAR; fails naming its path if it is missing. */
    static Path sampleWar() {
        Path war = Path.of(property("it.sample.war")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("sample WAR not found: " + war + " (mvn package builds it)");
        }
        return war;
    }

    /** A fresh directory named {@code name} under the build's it-work directory. */
    static Path workDir(String name) {
        Path dir = Path.of(property("it.work"), name);
        try {
            deleteTree(dir);
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the directory tree {@code from} into {@code to}. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted((a, b) -> b.compareTo(a))::iterator) {
                Files.delete(p);
            }
        }
    }
}
