package dev.gatewaybridge.scgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.gatewaybridge.upstream.Param;

class ScgiWireTest {

    private static List<Map.Entry<String, String>> parse(InputStream in, long[] contentLength) throws IOException {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        contentLength[0] = ScgiParser.parse(in, (n, v) -> pairs.add(Map.entry(n, v)), ScgiParser.DEFAULT_MAX_BYTES);
        return pairs;
    }

    private static Stream<Path> fixtures(String folder) throws IOException, URISyntaxException {
        Path dir = Path.of(ScgiWireTest.class.getResource(folder).toURI());
        return Files.list(dir).sorted();
    }

    @TestFactory
    Stream<DynamicTest> everyValidFixtureParsesAndIsWrittenBackByteForByte() throws Exception {
        return fixtures("valid").map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            byte[] bytes = Files.readAllBytes(f);
            InputStream in = new ByteArrayInputStream(bytes);
            long[] length = new long[1];
            var pairs = parse(in, length);
            byte[] body = in.readAllBytes();
            assertEquals(length[0], body.length, "CONTENT_LENGTH is the body that follows");
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            again.writeBytes(ScgiWriter.headerBlock(pairs));
            again.writeBytes(body);
            assertArrayEquals(bytes, again.toByteArray());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyInvalidFixtureIsAFormatErrorNamingTheFault() throws Exception {
        return fixtures("invalid").map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            InputStream in = new ByteArrayInputStream(Files.readAllBytes(f));
            var e = assertThrows(ScgiFormatException.class, () -> parse(in, new long[1]));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().startsWith("SCGI"), e.getMessage());
        }));
    }

    @Test
    void theSpecExampleReadsAsTheSpecSays() throws IOException {
        byte[] bytes = ("70:CONTENT_LENGTH\u000027\u0000SCGI\u00001\u0000REQUEST_METHOD\u0000POST\u0000"
                + "REQUEST_URI\u0000/deepthought\u0000,What is the answer to life?").getBytes(StandardCharsets.ISO_8859_1);
        InputStream in = new ByteArrayInputStream(bytes);
        long[] length = new long[1];
        var pairs = parse(in, length);
        assertEquals(27, length[0]);
        assertEquals(Map.entry("REQUEST_URI", "/deepthought"), pairs.get(3));
        assertEquals("What is the answer to life?", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void theRequestPutsContentLengthFirstAndScgiSecondAndDropsTheirDuplicates() throws IOException {
        List<Param> params = List.of(new Param("REQUEST_METHOD", "POST"), new Param("CONTENT_LENGTH", "999"),
                new Param("SCGI", "2"), new Param("PATH_INFO", "/caf\u00e9"), new Param("HTTP_X", "caf\u00e9"));
        long[] length = new long[1];
        var pairs = parse(new ByteArrayInputStream(ScgiWriter.request(params, 12)), length);
        assertEquals(12, length[0]);
        assertEquals(List.of("CONTENT_LENGTH", "SCGI", "REQUEST_METHOD", "PATH_INFO", "HTTP_X"),
                pairs.stream().map(Map.Entry::getKey).toList());
        assertEquals("1", pairs.get(1).getValue());
        // PATH_INFO goes out as UTF-8, a header value as the octets it came in as.
        assertEquals("/caf\u00c3\u00a9", pairs.get(3).getValue());
        assertEquals("caf\u00e9", pairs.get(4).getValue());
    }

    @Test
    void aNulCanNeverInjectAVariable() {
        var e = assertThrows(IllegalArgumentException.class, () -> ScgiWriter.request(
                List.of(new Param("HTTP_X", "a\u0000SCRIPT_FILENAME\u0000/etc/passwd")), 0));
        assertTrue(e.getMessage().contains("HTTP_X"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScgiWriter.headerBlock(List.of(Map.entry("", "x"))));
    }

    @Test
    void aLargeBlockRoundTrips() throws IOException {
        List<Param> params = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            params.add(new Param("HTTP_X_" + i, "v".repeat(i)));
        }
        byte[] wire = ScgiWriter.request(params, 0);
        assertTrue(wire.length > 100_000 / 2);
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        ScgiParser.parse(new ByteArrayInputStream(wire), (n, v) -> pairs.add(Map.entry(n, v)), wire.length);
        assertEquals(502, pairs.size());
        assertEquals("v".repeat(499), pairs.get(501).getValue());
        assertFalse(pairs.stream().anyMatch(p -> p.getKey().isEmpty()));
    }
}
