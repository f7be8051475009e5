package dev.gatewaybridge.process;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The programs of one daemon by token, and the routing of its events to them. Events are delivered by the
 * daemon's one reader thread; stderr lines are batched per program until no more events are at hand.
 */
final class ProgramTable implements SpawnListener {

    /** The daemon's lines are NativeSpawner's, the logger README's Logging table names. */
    private static final System.Logger LOG = System.getLogger(NativeSpawner.class.getName());

    private final Map<Integer, NativeProgram> programs = new ConcurrentHashMap<>();
    /** Programs with stderr lines read but not yet handed over (the reader thread's own). */
    private final Set<NativeProgram> batching = new LinkedHashSet<>();

    /** Registers {@code p} under {@code token}: before its frame is sent, its events may come at once. */
    void put(int token, NativeProgram p) {
        programs.put(token, p);
    }

    /** Forgets {@code token}: its frame could not be sent. */
    void remove(int token) {
        programs.remove(token);
    }

    /** Whether stderr lines wait to be handed over. */
    boolean batching() {
        return !batching.isEmpty();
    }

    /** The stderr lines read so far go out, each program's together. */
    void handOver() {
        batching.forEach(NativeProgram::handOver);
        batching.clear();
    }

    /** The daemon is gone: what was read goes out, and every program learns it will hear no more. */
    void daemonGone() {
        handOver();
        programs.values().forEach(NativeProgram::daemonGone);
        programs.clear();
    }

    @Override
    public void onMessage(String text) {
        LOG.log(System.Logger.Level.WARNING, "CGI: gateway-spawn: " + text);
    }

    @Override
    public void onBad(String line) {
        LOG.log(System.Logger.Level.WARNING, "CGI: gateway-spawn: bad event " + line);
    }

    @Override
    public void onFailed(int token, String text) {
        to(token, p -> p.failed(text)); // X 127 and D follow
    }

    @Override
    public void onLine(int token, String line) {
        to(token, p -> {
            if (p.line(line)) {
                batching.add(p);
            } else {
                batching.remove(p); // handed over: the batch was full
            }
        });
    }

    @Override
    public void onExited(int token, int code) {
        to(token, p -> p.exited(code));
    }

    @Override
    public void onDone(int token) {
        to(token, p -> {
            batching.remove(p);
            p.stderrEnded();
        });
    }

    @Override
    public void onUnknown(int token, String line) {
        to(token, p -> LOG.log(System.Logger.Level.WARNING, "CGI: gateway-spawn: unknown event " + line));
    }

    /**
     * Runs {@code event} on the program of {@code token}, then forgets a program that can hear no more; a
     * token without a program is a request that gave up before the daemon read it.
     */
    private void to(int token, Consumer<NativeProgram> event) {
        NativeProgram p = programs.get(token);
        if (p != null) {
            event.accept(p);
            if (p.over()) {
                programs.remove(token);
            }
        }
    }
}
