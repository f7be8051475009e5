package dev.gatewaybridge.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the JVM writes to gateway-spawn ({@link GatewaySpawn}): the request frame that starts a program
 * (channel 1) and the kill command (channel 3).
 */
public final class SpawnWriter {

    /** Strings are encoded as ProcessBuilder encodes them, so both spawners pass the same bytes. */
    static final Charset NATIVE = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    private SpawnWriter() {
    }

    /**
     * The request frame: "GBS1", token, argc, envc, length (big-endian u32), then dir, argv and envp, each
     * NUL-terminated (gateway-spawn.c, header comment item 1). Refuses a relative program and a NUL byte.
     */
    public static byte[] request(int token, Path dir, List<String> command, Map<String, String> env)
            throws IOException {
        if (!command.get(0).startsWith("/")) {
            throw new IOException("gateway-spawn runs programs by absolute path only: " + command.get(0));
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream(2048);
        string(payload, dir.toAbsolutePath().toString());
        for (String arg : command) {
            string(payload, arg);
        }
        for (var e : env.entrySet()) {
            string(payload, e.getKey() + "=" + e.getValue());
        }
        ByteBuffer frame = ByteBuffer.allocate(GatewaySpawn.HEADER_SIZE + payload.size());
        frame.put(GatewaySpawn.MAGIC.getBytes(StandardCharsets.US_ASCII)).putInt(token).putInt(command.size())
                .putInt(env.size()).putInt(payload.size()).put(payload.toByteArray());
        return frame.array();
    }

    private static void string(ByteArrayOutputStream out, String s) throws IOException {
        if (s.indexOf('\0') >= 0) {
            throw new IOException("NUL byte in a program argument or environment entry: " + s.replace('\0', '?'));
        }
        out.write(s.getBytes(NATIVE));
        out.write(0);
    }

    /** The command line "K token\n": kill the process group of request {@code token} (gateway-spawn.c, command()). */
    static byte[] kill(int token) {
        return ((char) GatewaySpawn.KILL + " " + Integer.toUnsignedString(token) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
