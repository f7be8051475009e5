package dev.gatewaybridge.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads what gateway-spawn writes on its stdout ({@link GatewaySpawn}, channel 2): the ready line, then event
 * lines "T token rest", each reported to a {@link SpawnListener}.
 */
final class SpawnParser {

    private SpawnParser() {
    }

    /** A line without its '\n', or null at end of stream. */
    static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.write(c);
        }
        return c < 0 && line.size() == 0 ? null : line.toByteArray();
    }

    /** Whether {@code line} (null at end of stream) is the daemon's first line, "R pid" (main()). */
    static boolean isReady(byte[] line) {
        return line != null && line.length >= 2 && line[0] == GatewaySpawn.READY;
    }

    /**
     * Reports one event line to {@code to}. A token or exit code that is not a number throws
     * NumberFormatException: the daemon writes them with printf's %u and %d, so its output is not to be trusted
     * any further.
     */
    static void parse(byte[] line, SpawnListener to) {
        if (line.length < 3 || line[1] != ' ') {
            to.onBad(new String(line, StandardCharsets.UTF_8));
            return;
        }
        if (line[0] == GatewaySpawn.LOG || line[0] == GatewaySpawn.READY) {
            to.onMessage(text(line, 2));
            return;
        }
        int sp = 2;
        while (sp < line.length && line[sp] != ' ') {
            sp++;
        }
        int token = Integer.parseUnsignedInt(new String(line, 2, sp - 2, StandardCharsets.US_ASCII));
        String rest = sp < line.length ? text(line, sp + 1) : "";
        switch (line[0]) {
            case GatewaySpawn.FAILED -> to.onFailed(token, rest.substring(rest.indexOf(' ') + 1)); // after errno
            case GatewaySpawn.LINE -> to.onLine(token, rest);
            case GatewaySpawn.EXITED -> to.onExited(token, Integer.parseInt(rest));
            case GatewaySpawn.DONE -> to.onDone(token);
            default -> to.onUnknown(token, text(line, 0));
        }
    }

    /** The bytes from {@code from} on as UTF-8, carriage returns dropped (a program's CRLF lines). */
    private static String text(byte[] line, int from) {
        return new String(line, from, line.length - from, StandardCharsets.UTF_8).replace("\r", "");
    }
}
