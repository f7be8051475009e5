package dev.gatewaybridge.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java side of gateway-spawn's protocol against {@link DaemonTwin}, the daemon's side written again from
 * gateway-spawn.c: frames the writer makes are read back as the daemon reads them, lines as the daemon writes
 * them reach the listener, and fixtures of bad input get the C code's answers.
 */
class SpawnWireTest {

    private static final Path C_SOURCE = Path.of("src/main/c/gateway-spawn.c");

    @Test
    void constantsAreTheDefinesOfGatewaySpawnC() throws IOException {
        String c = Files.readString(C_SOURCE);
        assertEquals(GatewaySpawn.HEADER_SIZE, define(c, "HEADER_SIZE"));
        assertEquals(GatewaySpawn.MAX_FRAME, define(c, "MAX_FRAME"));
        assertEquals(GatewaySpawn.MAX_STRINGS, define(c, "MAX_STRINGS"));
        assertEquals(GatewaySpawn.MAX_LINE, define(c, "MAX_LINE"));
        assertTrue(c.contains("memcmp(h, \"" + GatewaySpawn.MAGIC + "\", 4)"), "the magic read_request() checks");
        assertTrue(c.contains("emit(\"X %u " + GatewaySpawn.CANNOT_RUN + "\", token)"), "refuse()'s exit code");
        for (byte letter : new byte[] {GatewaySpawn.READY, GatewaySpawn.FAILED, GatewaySpawn.EXITED,
                GatewaySpawn.DONE, GatewaySpawn.LOG}) {
            assertTrue(c.contains("emit(\"" + (char) letter + " "), "an emit() of " + (char) letter);
        }
        assertTrue(c.contains("\"" + (char) GatewaySpawn.LINE + " %u \""), "emit_line()'s head");
        assertTrue(c.contains("sscanf(line, \"" + (char) GatewaySpawn.KILL + " %u%c\""), "command()'s K");
    }

    /** The value of {@code #define NAME n} or {@code #define NAME (a * b)} in gateway-spawn.c. */
    private static int define(String c, String name) {
        Matcher m = Pattern.compile("#define " + name + " +\\(?(\\d+)(?: \\* (\\d+)\\))?").matcher(c);
        assertTrue(m.find(), "#define " + name + " in " + C_SOURCE);
        return Integer.parseInt(m.group(1)) * (m.group(2) == null ? 1 : Integer.parseInt(m.group(2)));
    }

    @Test
    void aRequestFrameIsReadBackAsTheDaemonReadsIt() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUERY_STRING", "a=1&b=é");
        env.put("EMPTY", "");
        env.put("WITH_EQUALS", "x=y=z");
        List<String> argv = List.of("/usr/bin/printf", "", "two words", "ünïcode");
        byte[] frame = SpawnWriter.request(-2, Path.of("/srv/cgi-bin"), argv, env);
        assertEquals(new DaemonTwin.Request(-2, "/srv/cgi-bin", argv.stream().map(SpawnWireTest::natively).toList(),
                List.of(natively("QUERY_STRING=a=1&b=é"), "EMPTY=", "WITH_EQUALS=x=y=z")),
                DaemonTwin.readRequest(frame));
        ByteBuffer header = ByteBuffer.wrap(frame);
        assertEquals(GatewaySpawn.MAGIC, new String(frame, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(frame.length - GatewaySpawn.HEADER_SIZE, header.getInt(16), "length counts the payload only");
    }

    /** {@code s} as the program sees it: in the JVM's native encoding, as ProcessBuilder would pass it. */
    private static String natively(String s) {
        return new String(s.getBytes(SpawnWriter.NATIVE), SpawnWriter.NATIVE);
    }

    @Test
    void aRequestWithNoEnvironmentAndARelativeDirectoryIsSentAbsolute() throws IOException {
        byte[] frame = SpawnWriter.request(1, Path.of("relative"), List.of("/bin/true"), Map.of());
        var request = (DaemonTwin.Request) DaemonTwin.readRequest(frame);
        assertEquals(Path.of("relative").toAbsolutePath().toString(), request.dir());
        assertEquals(List.of(), request.envp());
    }

    @Test
    void theWriterRefusesARelativeProgramAndANulByteNamingThem() {
        var relative = assertThrows(IOException.class,
                () -> SpawnWriter.request(1, Path.of("/"), List.of("bin/true"), Map.of()));
        assertEquals("gateway-spawn runs programs by absolute path only: bin/true", relative.getMessage());
        var nul = assertThrows(IOException.class,
                () -> SpawnWriter.request(1, Path.of("/"), List.of("/bin/echo", "a\0b"), Map.of()));
        assertEquals("NUL byte in a program argument or environment entry: a?b", nul.getMessage());
    }

    /**
     * The fixtures of CgiSpawnerTest's daemon test and a few more, each with the reason gateway-spawn.c
     * gives (a trailing space keeps a repeated reason a distinct key).
     */
    @Test
    void malformedFramesGetTheDaemonsReasons() throws IOException {
        byte[] ok = SpawnWriter.request(1, Path.of("/"), List.of("/bin/true"), Map.of());
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("bad magic (not a GBS1 frame)",
                "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        bad.put("connection closed or timed out before a whole frame header",
                "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // 18 bytes, then end of file
        bad.put("payload length out of range (max 1 MiB)", header(9, 1, 0, Integer.MAX_VALUE));
        bad.put("argc must be 1..4096 and envc 0..4096", header(9, 0, 0, 4));
        bad.put("argc must be 1..4096 and envc 0..4096 ", header(9, 100_000, 0, 10));
        bad.put("payload does not end with NUL", frame(9, 1, 0, "/\0/bin/true"));
        bad.put("fewer strings than 1 + argc + envc", frame(9, 2, 0, "/\0/bin/true\0"));
        bad.put("more strings than 1 + argc + envc", frame(9, 1, 0, "/\0/bin/true\0extra\0"));
        bad.put("directory and program must be absolute paths", frame(9, 1, 0, "relative\0bin/true\0"));
        bad.put("environment entry is not NAME=value", frame(9, 1, 1, "/\0/bin/true\0NOEQUALS\0"));
        bad.put("environment entry is not NAME=value ", frame(9, 1, 1, "/\0/bin/true\0=value\0"));
        bad.put("connection closed or timed out inside the payload", Arrays.copyOf(ok, ok.length - 3));
        bad.put("connection closed or timed out before a whole frame header ", Arrays.copyOf(ok, 19));
        bad.forEach((why, frame) -> assertEquals(why.strip(), DaemonTwin.readRequest(frame), why));
    }

    @Test
    void theKillCommandIsKTheUnsignedTokenAndANewline() {
        assertArrayEquals("K 7\n".getBytes(StandardCharsets.US_ASCII), SpawnWriter.kill(7));
        assertArrayEquals("K 4294967295\n".getBytes(StandardCharsets.US_ASCII), SpawnWriter.kill(-1));
    }

    @Test
    void eventLinesAsTheDaemonWritesThemReachTheListener() throws IOException {
        String big = Integer.toUnsignedString(-3); // tokens past 2^31 are written by %u
        byte[] stream = concat(
                DaemonTwin.emit("L bad request frame: %s", "bad magic (not a GBS1 frame)"),
                DaemonTwin.emit("F %s %d %s", big, 8, "cannot execute /srv/x.cgi: Exec format error"),
                DaemonTwin.emit("X %s %d", big, GatewaySpawn.CANNOT_RUN),
                DaemonTwin.emit("D %s", big),
                DaemonTwin.emitLine(5, "warning: ünïcode\r".getBytes(StandardCharsets.UTF_8)),
                DaemonTwin.emitLine(5, new byte[0]),
                DaemonTwin.emit("X %d %d", 5, -9),
                DaemonTwin.emit("D %d", 5),
                DaemonTwin.emit("L two\nlines"));
        assertEquals(List.of(
                "message bad request frame: bad magic (not a GBS1 frame)",
                "failed -3 cannot execute /srv/x.cgi: Exec format error",
                "exited -3 127",
                "done -3",
                "line 5 warning: ünïcode",
                "line 5 ",
                "exited 5 -9",
                "done 5",
                "message two lines"), events(stream));
    }

    @Test
    void anEventLineLongerThanTheDaemonsBufferIsCutToOneLine() throws IOException {
        byte[] line = DaemonTwin.emit("L %s", "x".repeat(2000));
        assertEquals(1023, line.length);
        assertEquals(List.of("message " + "x".repeat(1020)), events(line));
    }

    /** Fixtures of lines no well-behaved daemon writes, and what the listener hears of each. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "E 7       | 'line 7 '",
        "D 7 extra | done 7",
        "Q 7 what  | unknown 7 Q 7 what",
        "R 4242    | message 4242",
        "X7        | bad X7",
        "E         | bad E",
        "''        | 'bad '"})
    void oddEventLinesAreReportedForWhatTheyAre(String line, String heard) throws IOException {
        assertEquals(List.of(heard), events((line.strip() + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aTokenOrCodeThatIsNotANumberThrows() {
        assertThrows(NumberFormatException.class, () -> events("E seven text\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(NumberFormatException.class, () -> events("X 7 killed\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theReadyLineIsAnRWithThePid() throws IOException {
        var in = new ByteArrayInputStream(DaemonTwin.emit("R %d", 4242));
        assertTrue(SpawnParser.isReady(SpawnParser.readLine(in)));
        assertNull(SpawnParser.readLine(in), "end of stream");
        assertFalse(SpawnParser.isReady(null));
        assertFalse(SpawnParser.isReady("R".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(SpawnParser.isReady("gateway-spawn: cannot listen".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aLastLineWithoutItsNewlineIsStillALine() throws IOException {
        var in = new ByteArrayInputStream("D 1\nD 2".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals("D 1".getBytes(StandardCharsets.US_ASCII), SpawnParser.readLine(in));
        assertArrayEquals("D 2".getBytes(StandardCharsets.US_ASCII), SpawnParser.readLine(in));
        assertNull(SpawnParser.readLine(in));
    }

    /** Every line of {@code stream} through the parser, each call of the listener as one string. */
    private static List<String> events(byte[] stream) throws IOException {
        List<String> heard = new ArrayList<>();
        SpawnListener listener = new SpawnListener() {
            @Override
            public void onMessage(String text) {
                heard.add("message " + text);
            }

            @Override
            public void onFailed(int token, String text) {
                heard.add("failed " + token + " " + text);
            }

            @Override
            public void onLine(int token, String line) {
                heard.add("line " + token + " " + line);
            }

            @Override
            public void onExited(int token, int code) {
                heard.add("exited " + token + " " + code);
            }

            @Override
            public void onDone(int token) {
                heard.add("done " + token);
            }

            @Override
            public void onUnknown(int token, String line) {
                heard.add("unknown " + token + " " + line);
            }

            @Override
            public void onBad(String line) {
                heard.add("bad " + line);
            }
        };
        var in = new ByteArrayInputStream(stream);
        for (byte[] line; (line = SpawnParser.readLine(in)) != null; ) {
            SpawnParser.parse(line, listener);
        }
        return heard;
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] header(int token, int argc, int envc, int length) {
        return ByteBuffer.allocate(20).put("GBS1".getBytes(StandardCharsets.US_ASCII)).putInt(token).putInt(argc)
                .putInt(envc).putInt(length).array();
    }

    private static byte[] frame(int token, int argc, int envc, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(20 + p.length).put(header(token, argc, envc, p.length)).put(p).array();
    }
}
