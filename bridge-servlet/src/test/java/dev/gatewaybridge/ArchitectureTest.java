package dev.gatewaybridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The package graph of the library, read from its sources (imports and qualified names in code, not in
 * comments or strings): what the bridges share lives below them, so no bridge depends on another and nothing
 * shared depends on a bridge (issue 13); the API depends on nothing.
 */
class ArchitectureTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/gatewaybridge");
    private static final Set<String> BRIDGES = Set.of("cgi", "fastcgi", "scgi");
    /** What applications, their web.xml and their tests program against: module-info exports these. */
    private static final Set<String> USER_FACING = new TreeSet<>(Set.of("api", "servlet", "middleware", "testing",
            "cgi", "fastcgi", "scgi", "files", "paths", "config"));
    /** The layers below the bridges, the library's own. */
    private static final Set<String> INTERNAL = Set.of("bridge", "upstream", "managed", "process",
            "server");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.gatewaybridge\\.([a-z]+)\\.");
    /** Comments and string or character literals, which may name a package without depending on it. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "//[^\\n]*|/\\*.*?\\*/|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'", Pattern.DOTALL);

    @Test
    void noBridgeDependsOnAnotherBridge() {
        Map<String, Set<String>> graph = dependencies();
        for (String bridge : BRIDGES) {
            Set<String> others = new TreeSet<>(graph.getOrDefault(bridge, Set.of()));
            others.retainAll(BRIDGES);
            assertTrue(others.isEmpty(), bridge + " depends on the bridges " + others);
        }
    }

    @Test
    void nothingSharedDependsOnABridge() {
        Map<String, Set<String>> graph = dependencies();
        graph.forEach((from, to) -> {
            if (!BRIDGES.contains(from)) {
                Set<String> bridges = new TreeSet<>(to);
                bridges.retainAll(BRIDGES);
                assertTrue(bridges.isEmpty(), from + " depends on the bridges " + bridges);
            }
        });
    }

    @Test
    void theApiDependsOnNoOtherPackage() {
        assertEquals(Set.of(), dependencies().getOrDefault("api", Set.of()));
    }

    @Test
    void theModuleExportsWhatUsersProgramAgainstAndNothingElse() throws IOException {
        ModuleDescriptor module;
        try (var in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
            module = ModuleDescriptor.read(in);
        }
        Set<String> exported = new TreeSet<>();
        module.exports().forEach(e -> exported.add(e.source().substring("dev.gatewaybridge.".length())));
        assertEquals(USER_FACING, exported);
        // Every package is one or the other: a new one must be placed on purpose.
        Set<String> unplaced = new TreeSet<>(dependencies().keySet());
        unplaced.removeAll(USER_FACING);
        unplaced.removeAll(INTERNAL);
        assertEquals(Set.of(), unplaced, "packages neither exported nor internal");
    }

    @Test
    void theGraphIsReadFromEveryPackage() {
        // A test reading nothing would pass: the packages the rules are about must be found with their edges.
        Map<String, Set<String>> graph = dependencies();
        assertTrue(graph.keySet().containsAll(Set.of("api", "bridge", "cgi", "fastcgi", "scgi")), graph.toString());
        assertTrue(graph.get("fastcgi").contains("bridge"), graph.toString());
    }

    /** Package to the other packages of the library its code names. */
    private static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                String from = SOURCES.relativize(f).getName(0).toString();
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(NOT_CODE.matcher(read(f)).replaceAll(" "));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        to.add(m.group(1));
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
