package dev.gatewaybridge.bridge;

import java.util.function.Consumer;

/**
 * One request's stderr on its way to the log: a CGI program's stderr, FastCGI's FCGI_STDERR (FastCGI 1.0
 * §5.3). Two rules, shared by the bridges:
 * <ul>
 * <li>Lines that arrived together make one log record ({@link #line} then {@link #flush}): a record per line
 *     cost every line the container's record header, and 1 MiB of stderr became 2.5 MiB of Tomcat's log.</li>
 * <li>At most {@code limit} bytes of it are logged (Apache's {@code ScriptLogLength}, 10 MiB by default);
 *     the rest is still read (a program blocked on a full stderr pipe would hang) but dropped, and
 *     {@link #close} logs one line saying how many bytes, naming the program and the limit.</li>
 * </ul>
 * Thread-safe: a pump thread logs while the request thread closes.
 */
public final class StderrLog {

    /** Parameter name under a bridge's prefix ({@code cgi.stderrLimit}, {@code fastcgi.stderrLimit}). */
    public static final String STDERR_LIMIT = "stderrLimit";
    /** Apache's ScriptLogLength default. */
    public static final long DEFAULT_LIMIT = 10L * 1024 * 1024;
    /** A record is handed over at this size even when more lines are waiting. */
    static final int RECORD_CHARS = 16 * 1024;

    private final Consumer<String> sink;
    private final String linePrefix;
    private final String program;
    private final String param;
    private final long limit;
    private final StringBuilder record = new StringBuilder();
    private long logged;
    private long dropped;
    private boolean reported;

    /**
     * @param sink       takes one record: one or more lines joined by '\n', without a final line end
     * @param linePrefix put before every line ({@code "[cgi x.sh] "}), or ""
     * @param program    what wrote it, for the dropped line ({@code "CGI program x.sh"})
     * @param param      the full name of the limit's parameter ({@code cgi.stderrLimit})
     * @param limit      bytes of stderr logged per request (line ends included); 0 logs none of it
     */
    public StderrLog(Consumer<String> sink, String linePrefix, String program, String param, long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException(param + " must not be negative: " + limit);
        }
        this.sink = sink;
        this.linePrefix = linePrefix;
        this.program = program;
        this.param = param;
        this.limit = limit;
    }

    /** One line (without its line end) into the current record, or counted and dropped past the limit. */
    public synchronized void line(String line) {
        long n = utf8Length(line) + 1;
        if (dropped > 0 || logged + n > limit) {
            dropped += n; // from the first line over the limit on, the rest of the request's stderr goes
            return;
        }
        logged += n;
        if (!record.isEmpty()) {
            record.append('\n');
        }
        record.append(linePrefix).append(line);
        if (record.length() >= RECORD_CHARS || reported) {
            flush();
        }
    }

    /** Hands the current record to the sink: the reader has no more lines at hand. */
    public synchronized void flush() {
        if (!record.isEmpty()) {
            String text = record.toString();
            record.setLength(0);
            sink.accept(text);
        }
    }

    /**
     * The request is over: the last record, then the one line saying what was dropped, if anything was.
     * Lines that still come after it (a program outliving its request) are logged within the limit, or dropped
     * without another word.
     */
    public synchronized void close() {
        flush();
        if (dropped > 0 && !reported) {
            sink.accept(program + " wrote more than " + param + " (" + limit + " bytes) to stderr: "
                    + dropped + " bytes dropped");
        }
        reported = true;
    }

    /** Bytes of stderr dropped so far. */
    public synchronized long dropped() {
        return dropped;
    }

    private static long utf8Length(String s) {
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                n += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1; // a surrogate pair: 4 bytes for 2 chars
            }
        }
        return n;
    }
}
