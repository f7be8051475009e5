package dev.gatewaybridge.servlet;

import jakarta.servlet.ServletContext;

import java.io.Writer;

/**
 * {@code wsgi.errors}: text the application writes goes to the container's log, one log record per line.
 * One instance serves the whole servlet (no allocation per request); each thread collects its own partial
 * line, so lines of concurrent requests never interleave inside a record.
 */
final class LogWriter extends Writer {

    private final ServletContext context;
    private final String prefix;
    private final ThreadLocal<StringBuilder> lines = ThreadLocal.withInitial(StringBuilder::new);

    LogWriter(ServletContext context, String prefix) {
        this.context = context;
        this.prefix = prefix;
    }

    @Override
    public void write(char[] chars, int off, int len) {
        StringBuilder line = lines.get();
        for (int i = off; i < off + len; i++) {
            char c = chars[i];
            if (c == '\n') {
                emit(line);
            } else if (c != '\r') {
                line.append(c);
            }
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
        context.log(prefix + line);
        line.setLength(0);
    }
}
