package dev.gatewaybridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every fixture of src/test/resources/config (README.txt there): each {@code .in} through its folder's
 * parser, compared with its {@code .out} rendering or its {@code .err} message.
 */
class GrammarFixtureTest {

    /** Each folder's parser, rendering the value as its .out file writes it. */
    private static final Map<String, Function<String, String>> PARSERS = Map.of(
            "bool", v -> Boolean.toString(Grammar.bool(v)),
            "integer", v -> Long.toString(Grammar.integer(v, 0, Integer.MAX_VALUE)),
            "duration", v -> Grammar.duration(v, ChronoUnit.SECONDS).toString(),
            "size", v -> Long.toString(Grammar.size(v)),
            "list", v -> Grammar.list(v).stream().map(i -> "[" + i + "]\n").collect(Collectors.joining()),
            "pairs", v -> Grammar.pairs(v).stream().map(e -> "[" + e.getKey() + "]=[" + e.getValue() + "]\n")
                    .collect(Collectors.joining()),
            "extensions", v -> Grammar.extensions(v).stream().map(e -> "[" + e.getKey() + "]=[" + e.getValue() + "]\n")
                    .collect(Collectors.joining()));

    @TestFactory
    Stream<DynamicTest> everyFixtureParsesToItsExpectedValueOrError() throws IOException, URISyntaxException {
        Path root = Path.of(GrammarFixtureTest.class.getResource("/config/README.txt").toURI()).getParent();
        List<Path> inputs;
        try (Stream<Path> files = Files.walk(root)) {
            inputs = files.filter(p -> p.toString().endsWith(".in")).sorted().toList();
        }
        assertTrue(inputs.size() > 40, "fixtures found: " + inputs.size());
        return inputs.stream().map(in -> DynamicTest.dynamicTest(root.relativize(in).toString(), () -> check(in)));
    }

    private static void check(Path in) throws IOException {
        String folder = in.getParent().getFileName().toString();
        Function<String, String> parser = PARSERS.get(folder);
        assertTrue(parser != null, "no parser for folder " + folder);
        String input = read(in).replaceFirst("\n$", "");
        Path out = sibling(in, ".out");
        Path err = sibling(in, ".err");
        assertTrue(Files.exists(out) != Files.exists(err), in + " needs exactly one of .out and .err");
        if (Files.exists(out)) {
            assertEquals(read(out), Set.of("list", "pairs", "extensions").contains(folder) ? parser.apply(input)
                    : parser.apply(input) + "\n", in.toString());
        } else {
            String expected = read(err).strip();
            var e = assertThrows(IllegalArgumentException.class, () -> parser.apply(input), in.toString());
            assertTrue(e.getMessage().contains(expected), in + ": " + e.getMessage());
        }
    }

    private static Path sibling(Path in, String extension) {
        String name = in.getFileName().toString();
        return in.resolveSibling(name.substring(0, name.length() - 3) + extension);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void formatReadsBackAsTheSameValue() {
        for (Duration d : List.of(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(10),
                Duration.ofHours(1), Duration.ofMillis(1500))) {
            assertEquals(d, Grammar.duration(Grammar.format(d), ChronoUnit.SECONDS), Grammar.format(d));
        }
        for (long n : List.of(0L, 500L, 65536L, 16L * 1024 * 1024, 1024L * 1024 * 1024)) {
            assertEquals(n, Grammar.size(Grammar.formatSize(n)), Grammar.formatSize(n));
        }
    }

    @Test
    void aSettingsParserAddsItsOwnRangeToTheGrammar() {
        assertEquals("duration must be positive", assertThrows(IllegalArgumentException.class,
                () -> Setting.duration("t", Duration.ofSeconds(1), "doc").parse("0")).getMessage());
        assertEquals(Duration.ZERO, Setting.durationOrZero("t", Duration.ZERO, "doc").parse("0"));
        assertEquals("must be at least 1", assertThrows(IllegalArgumentException.class,
                () -> Setting.integer("n", 1, 1, "doc").parse("0")).getMessage());
    }
}
