package dev.gatewaybridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
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
