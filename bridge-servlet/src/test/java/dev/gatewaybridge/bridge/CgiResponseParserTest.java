package dev.gatewaybridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
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
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.gatewaybridge.api.BadGatewayException;
import dev.gatewaybridge.api.Header;

/** The CGI response parser against the fixture folders {@code cgi/response/valid} and {@code invalid}. */
class CgiResponseParserTest {

    /** One fixture: expectations (key, value) in order, and the raw program output. */
    record Fixture(String name, List<String[]> expect, byte[] input) {
        String get(String key, String fallback) {
            return expect.stream().filter(e -> e[0].equals(key)).map(e -> e[1]).findFirst().orElse(fallback);
        }

        List<String> all(String key) {
            return expect.stream().filter(e -> e[0].equals(key)).map(e -> e[1]).toList();
        }

        CgiResponse parse(InputStream in) throws IOException {
            String[] l = get("limits", "100 65536").split(" ");
            var limits = new CgiResponseParser.Limits(Integer.parseInt(l[0]), Integer.parseInt(l[1]));
            return get("mode", "cgi").equals("nph") ? CgiResponseParser.parseNph(in, limits)
                    : CgiResponseParser.parse(in, limits);
        }
    }

    @TestFactory
    Stream<DynamicTest> validFixturesParseAsExpected() throws Exception {
        return fixtures("valid").map(f -> DynamicTest.dynamicTest(f.name(), () -> {
            InputStream in = new BufferedInputStream(new ByteArrayInputStream(f.input()));
            CgiResponse r = f.parse(in);
            String status = f.get("status", null);
            if (status != null) {
                assertEquals(status, r.status() + " " + r.reason(), "status");
            }
            assertEquals(f.get("location", r.location().name()), r.location().name(), "location kind");
            List<String> headers = f.all("header").stream().map(CgiResponseParserTest::latin1).toList();
            if (!headers.isEmpty()) {
                assertEquals(headers, render(r.headers()), "headers");
            }
            String body = f.get("body", null);
            if (body != null) {
                assertEquals(new String(unescape(body), StandardCharsets.ISO_8859_1),
                        new String(in.readAllBytes(), StandardCharsets.ISO_8859_1), "body left in the stream");
            }
            String start = f.get("start", null);
            if (start != null) {
                assertEquals(start, r.toStart().status(), "start_response status");
            }
            List<String> startHeaders = f.all("start-header");
            if (!startHeaders.isEmpty()) {
                assertEquals(startHeaders, render(r.toStart().headers()), "start_response headers");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidFixturesAreBadGatewayNamingTheValue() throws Exception {
        return fixtures("invalid").map(f -> DynamicTest.dynamicTest(f.name(), () -> {
            InputStream in = new BufferedInputStream(new ByteArrayInputStream(f.input()));
            BadGatewayException e = assertThrows(BadGatewayException.class, () -> f.parse(in));
            assertEquals(502, e.status());
            String expected = f.get("error", null);
            assertTrue(expected != null && e.getMessage().contains(expected),
                    "message " + e.getMessage() + " should contain " + expected);
        }));
    }

    @Test
    void parserNeverReadsPastTheBlankLine() throws IOException {
        byte[] out = "Content-Type: text/plain\n\nBODY".getBytes(StandardCharsets.US_ASCII);
        // An unbuffered stream: every byte the parser took is gone from it.
        InputStream in = new ByteArrayInputStream(out);
        CgiResponseParser.parse(in);
        assertEquals("BODY", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void hopByHopHeadersAreDroppedFromStartArguments() {
        var r = new CgiResponse(200, "OK", List.of(Header.of("Upgrade", "h2c"), Header.of("TE", "trailers"),
                Header.of("Proxy-Authenticate", "Basic"), Header.of("X-A", "1")), CgiResponse.Location.NONE);
        assertEquals(List.of("X-A: 1"), render(r.toStart().headers()));
    }

    private static String latin1(String escaped) {
        return new String(unescape(escaped), StandardCharsets.ISO_8859_1);
    }

    private static List<String> render(List<Header> headers) {
        return headers.stream().map(h -> h.name() + ": " + h.value()).toList();
    }

    static Stream<Fixture> fixtures(String folder) throws IOException, URISyntaxException {
        Path dir = Path.of(CgiResponseParserTest.class.getResource("response/" + folder).toURI());
        List<Fixture> all = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".txt")).sorted().toList()) {
                all.add(read(p));
            }
        }
        assertTrue(all.size() >= 10, "fixtures in " + dir);
        return all.stream();
    }

    private static Fixture read(Path p) throws IOException {
        String text = Files.readString(p, StandardCharsets.ISO_8859_1);
        int sep = text.indexOf("\n---\n");
        if (sep < 0) {
            throw new IllegalStateException("no --- line in " + p);
        }
        List<String[]> expect = new ArrayList<>();
        for (String line : text.substring(0, sep).split("\n")) {
            int colon = line.indexOf(": ");
            expect.add(colon < 0 ? new String[] {line.replace(":", ""), ""}
                    : new String[] {line.substring(0, colon), line.substring(colon + 2)});
        }
        return new Fixture(p.getFileName().toString(), expect, unescape(text.substring(sep + 5)));
    }

    /** Decodes the fixture escapes: \r, \n, \t, \xHH, \\. */
    static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.write(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'x' -> {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                case '\\' -> out.write('\\');
                default -> throw new IllegalArgumentException("unknown escape \\" + e);
            }
        }
        return out.toByteArray();
    }
}
