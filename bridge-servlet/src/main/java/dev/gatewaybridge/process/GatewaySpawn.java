package dev.gatewaybridge.process;

/**
 * The constants of gateway-spawn's protocol, the Java twin of src/main/c/gateway-spawn.c: the {@code #define}s
 * named as the C code names them, and the letters of its lines named after what its header comment says they
 * mean. The header comment of gateway-spawn.c defines the three channels; each constant cites where.
 */
final class GatewaySpawn {

    private GatewaySpawn() {
    }

    // Channel 1, requests: one frame on a connection of its own (header comment item 1; read_request()).

    /** The frame's first four bytes (read_request(): "bad magic (not a GBS1 frame)"). */
    static final String MAGIC = "GBS1";
    /** {@code #define HEADER_SIZE}: MAGIC, then token, argc, envc and length, big-endian u32 each. */
    static final int HEADER_SIZE = 20;
    /** {@code #define MAX_FRAME}: most bytes of dir + argv + envp (the header's length). */
    static final int MAX_FRAME = 1024 * 1024;
    /** {@code #define MAX_STRINGS}: most argv entries, and most envp entries. */
    static final int MAX_STRINGS = 4096;
    /** The token the daemon reads as "none" (accept_one(): "the JVM never uses token 0"). */
    static final int NO_TOKEN = 0;

    // Channel 2, events: one line each on the daemon's stdout (header comment item 2).

    /** {@code R pid}: ready, the first line (main()'s emit("R %d")). */
    static final byte READY = 'R';
    /** {@code F token errno text}: the program could not start; X 127 and D follow (refuse()). */
    static final byte FAILED = 'F';
    /** {@code E token bytes}: one line of its stderr, without the newline (emit_line()). */
    static final byte LINE = 'E';
    /** {@code X token code}: it exited; code < 0 is the signal that killed it (check_children()). */
    static final byte EXITED = 'X';
    /** {@code D token}: done, the last event of every request (check_children(), refuse()). */
    static final byte DONE = 'D';
    /** {@code L text}: a message of the daemon itself (accept_one(), command()). */
    static final byte LOG = 'L';
    /** {@code #define MAX_LINE}: an E line carries at most this many bytes of stderr; a longer line is split. */
    static final int MAX_LINE = 8192;
    /** The exit code of a request that spawned nothing (refuse(): what a shell answers for such a command). */
    static final int CANNOT_RUN = 127;

    // Channel 3, commands: one line each on the daemon's stdin (header comment item 3; command()).

    /** {@code K token}: kill the program's process group (command()). */
    static final byte KILL = 'K';
}
