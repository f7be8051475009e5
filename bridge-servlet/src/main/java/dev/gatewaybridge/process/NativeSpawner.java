package dev.gatewaybridge.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Starts programs through {@code gateway-spawn} (src/main/c/gateway-spawn.c, which documents the protocol),
 * a small native daemon forking on our behalf as Apache's mod_cgid does: the JVM connects to its Unix
 * socket and sends the program, directory and environment; the connection becomes the program's stdin and
 * stdout. The daemon reports each program's start, stderr lines, exit and stderr end on one channel, read by
 * one thread here; it kills a program's process group on request and all of them when its stdin closes.
 * A daemon that dies is restarted on the next request.
 *
 * <p>The jobs: {@link DaemonKeeper} (start, restart, stop) over {@link SpawnDaemon} (one process) and {@link
 * SpawnBinary}; the protocol's {@link SpawnWriter} and {@link SpawnParser} ({@link GatewaySpawn}'s
 * constants); {@link ProgramTable} and {@link NativeProgram} (the programs). This class sends the requests.
 */
public final class NativeSpawner implements Spawner {

    /** Where the build puts the binary: one per OS and architecture, named as Java names them. */
    public static final String RESOURCE = SpawnBinary.RESOURCE;

    private final DaemonKeeper keeper;

    private NativeSpawner(DaemonKeeper keeper) {
        this.keeper = keeper;
    }

    /** Starts a daemon; IOException says why it cannot run here (no binary, no Linux, start failed). */
    static NativeSpawner start() throws IOException {
        return new NativeSpawner(DaemonKeeper.start());
    }

    /** Where the binary was extracted, for the start-up line (null before the first daemon starts). */
    public static Path extracted() {
        return SpawnBinary.extracted();
    }

    /** Whether this build has the binary for this machine. */
    public static boolean available() {
        return SpawnBinary.available();
    }

    /** Connects to the daemon and sends the request frame; the program's events may come at once. */
    @Override
    public Program start(List<String> command, Path dir, Map<String, String> env, Consumer<String> stderr)
            throws IOException {
        SpawnDaemon d = keeper.running();
        int token = d.nextToken();
        byte[] frame = SpawnWriter.request(token, dir, command, env);
        SocketChannel channel = SocketChannel.open(d.address);
        NativeProgram p = new NativeProgram(d, token, channel, stderr);
        d.programs.put(token, p); // before the frame: the daemon's report of the start may come at once
        try {
            ByteBuffer b = ByteBuffer.wrap(frame);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            d.programs.remove(token);
            channel.close();
            throw new IOException("gateway-spawn did not take the request: " + e.getMessage(), e);
        }
        return p;
    }

    @Override
    public String name() {
        return "native";
    }

    /** The daemon's socket, for tests. */
    public Path socket() {
        return keeper.current().socket;
    }

    /** The daemon's process, for tests. */
    public ProcessHandle daemonProcess() {
        return keeper.current().process.toHandle();
    }

    /** Closes the daemon's stdin: it kills every program's process group and exits. */
    @Override
    public void close() {
        keeper.stop();
    }
}
