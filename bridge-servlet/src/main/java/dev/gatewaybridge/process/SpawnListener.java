package dev.gatewaybridge.process;

/**
 * What a {@link SpawnParser} reports: one call per event line of gateway-spawn (gateway-spawn.c, header
 * comment item 2). Tokens are the JVM's own, as written in the request frame.
 */
interface SpawnListener {

    /** {@code L text}, or an {@code R pid} after the first line: a message of the daemon itself. */
    void onMessage(String text);

    /** {@code F token errno text}: the program could not start, {@code text} says why (errno's number dropped). */
    void onFailed(int token, String text);

    /** {@code E token bytes}: one line of the program's stderr, without its line end. */
    void onLine(int token, String line);

    /** {@code X token code}: the program exited; {@code code < 0} is the signal that killed it. */
    void onExited(int token, int code);

    /** {@code D token}: the last event of request {@code token}. */
    void onDone(int token);

    /** A line with a token and a letter this side does not know; {@code line} is all of it. */
    void onUnknown(int token, String line);

    /** A line that is not "letter space rest". */
    void onBad(String line);
}
