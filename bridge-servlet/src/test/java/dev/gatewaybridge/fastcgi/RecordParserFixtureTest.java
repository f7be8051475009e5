package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The parser against the fixture corpus in src/test/resources/dev/gatewaybridge/fastcgi/{valid,invalid}. */
class RecordParserFixtureTest {

    static Stream<Path> valid() throws Exception {
        return fixtures("valid");
    }

    static Stream<Path> invalid() throws Exception {
        return fixtures("invalid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validFixtureParsesToItsTranscriptInOneFeed(Path file) throws Exception {
        HexFixture fixture = HexFixture.load(file);
        assertFalse(fixture.transcript().isEmpty(), "a valid fixture states its transcript with #> lines");
        assertEquals(fixture.transcript(), parse(fixture.bytes(), fixture.bytes().length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validFixtureParsesToTheSameTranscriptOneByteAtATime(Path file) throws Exception {
        HexFixture fixture = HexFixture.load(file);
        assertEquals(fixture.transcript(), parse(fixture.bytes(), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidFixtureFailsWith502NamingTheFault(Path file) throws Exception {
        HexFixture fixture = HexFixture.load(file);
        assertNotNull(fixture.fault(), "an invalid fixture states its fault with a #! line");
        FastCgiProtocolException e = assertThrows(FastCgiProtocolException.class,
                () -> parse(fixture.bytes(), fixture.bytes().length));
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains(fixture.fault()), () -> "message: " + e.getMessage());
    }

    private static List<String> parse(byte[] bytes, int chunk) {
        Transcript transcript = new Transcript();
        RecordParser parser = new RecordParser(transcript);
        for (int off = 0; off < bytes.length; off += chunk) {
            parser.feed(bytes, off, Math.min(chunk, bytes.length - off));
        }
        parser.finish();
        return transcript.lines;
    }

    private static Stream<Path> fixtures(String kind) throws URISyntaxException, java.io.IOException {
        Path dir = Path.of(RecordParserFixtureTest.class.getResource(kind).toURI());
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.toString().endsWith(".hex")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no fixtures in " + dir);
        return files.stream();
    }
}
