package dev.gatewaybridge.process;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The daemon's side of the protocol, written again in Java from src/main/c/gateway-spawn.c for the round
 * trips of {@link SpawnWireTest}: read_request() and parse_payload() (the frame in, with the C code's reasons
 * for refusing one), and emit() and emit_line() (the event lines out).
 */
final class DaemonTwin {

    private DaemonTwin() {
    }

    /** A well-formed request frame, as parse_payload() splits it. */
    record Request(int token, String dir, List<String> argv, List<String> envp) {
    }

    /** What read_request() makes of {@code frame}: a Request, or its reason for refusing it as a String. */
    static Object readRequest(byte[] frame) {
        if (frame.length < GatewaySpawn.HEADER_SIZE) {
            return "connection closed or timed out before a whole frame header";
        }
        ByteBuffer h = ByteBuffer.wrap(frame);
        byte[] magic = new byte[4];
        h.get(magic);
        if (!Arrays.equals(magic, GatewaySpawn.MAGIC.getBytes(StandardCharsets.US_ASCII))) {
            return "bad magic (not a GBS1 frame)";
        }
        int token = h.getInt();
        long argc = Integer.toUnsignedLong(h.getInt());
        long envc = Integer.toUnsignedLong(h.getInt());
        long len = Integer.toUnsignedLong(h.getInt());
        if (argc < 1 || argc > GatewaySpawn.MAX_STRINGS || envc > GatewaySpawn.MAX_STRINGS) {
            return "argc must be 1..4096 and envc 0..4096";
        }
        if (len < 4 || len > GatewaySpawn.MAX_FRAME) {
            return "payload length out of range (max 1 MiB)";
        }
        if (frame.length - GatewaySpawn.HEADER_SIZE < len) {
            return "connection closed or timed out inside the payload";
        }
        byte[] payload = Arrays.copyOfRange(frame, GatewaySpawn.HEADER_SIZE, GatewaySpawn.HEADER_SIZE + (int) len);
        return parsePayload(token, payload, (int) argc, (int) envc);
    }

    /** parse_payload(): its checks in its order, the environment's as each entry is reached. */
    private static Object parsePayload(int token, byte[] p, int argc, int envc) {
        if (p[p.length - 1] != 0) {
            return "payload does not end with NUL";
        }
        int want = 1 + argc + envc;
        List<String> strings = new ArrayList<>();
        for (int from = 0, i = 0; i < p.length; i++) {
            if (p[i] != 0) {
                continue;
            }
            if (strings.size() == want) {
                return "more strings than 1 + argc + envc";
            }
            String s = new String(p, from, i - from, SpawnWriter.NATIVE);
            if (strings.size() > argc && (s.startsWith("=") || !s.contains("="))) {
                return "environment entry is not NAME=value";
            }
            strings.add(s);
            from = i + 1;
        }
        if (strings.size() != want) {
            return "fewer strings than 1 + argc + envc";
        }
        if (!strings.get(0).startsWith("/") || !strings.get(1).startsWith("/")) {
            return "directory and program must be absolute paths";
        }
        return new Request(token, strings.get(0), strings.subList(1, 1 + argc), strings.subList(1 + argc, want));
    }

    /** emit(): one printf-formatted line, its newlines made spaces, cut to fit the 1024-byte buffer. */
    static byte[] emit(String format, Object... args) {
        String s = String.format(format, args).replace('\n', ' ');
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        b = Arrays.copyOf(b, Math.min(b.length, 1022));
        byte[] line = Arrays.copyOf(b, b.length + 1);
        line[b.length] = '\n';
        return line;
    }

    /** emit_line(): "E token " and the stderr bytes as they are, then '\n'. */
    static byte[] emitLine(int token, byte[] stderr) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("E " + Integer.toUnsignedString(token) + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(stderr);
        out.write('\n');
        return out.toByteArray();
    }
}
