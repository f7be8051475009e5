package dev.gatewaybridge.servlet;

import java.io.Writer;
import java.lang.System.Logger.Level;

/**
 * {@code wsgi.errors}: text the application writes goes to the error log (PEP 3333), at INFO through
 * {@code System.Logger} {@value #NAME}, beside the servlet's own lines (docs/logging.md). The complete lines
 * of one write are one log record (a bridge hands over a program's stderr lines that arrived together in one
 * write: a record per line cost each its container header); a partial line waits for its end or a flush.
 * One instance serves the whole servlet (no allocation per request); each thread collects its own partial
 * line, so lines of concurrent requests never interleave inside a record.
 */
final class LogWriter extends Writer {

    /** The logger of every servlet's wsgi.errors lines. */
    static final String NAME = "dev.gatewaybridge.servlet.wsgi.errors";
    private static final System.Logger LOG = System.getLogger(NAME);
    private final String prefix;
    private final ThreadLocal<StringBuilder> lines = ThreadLocal.withInitial(StringBuilder::new);

    LogWriter(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void write(char[] chars, int off, int len) {
        StringBuilder line = lines.get();
        int complete = -1; // length of the complete lines collected
        for (int i = off; i < off + len; i++) {
            char c = chars[i];
            if (c == '\n') {
                complete = line.length();
                line.append('\n');
            } else if (c != '\r') {
                line.append(c);
            }
        }
        if (complete >= 0) {
            LOG.log(Level.INFO, prefix + line.substring(0, complete));
            line.delete(0, complete + 1);
        }
    }

    /** Logs this thread's pending partial line (PEP 3333: flush makes written text visible). */
    @Override
    public void flush() {
        StringBuilder line = lines.get();
        if (line.length() > 0) {
            emit(line);
        }
    }

    @Override
    public void close() {
        flush();
    }

    private void emit(StringBuilder line) {
        LOG.log(Level.INFO, prefix + line);
        line.setLength(0);
    }
}
