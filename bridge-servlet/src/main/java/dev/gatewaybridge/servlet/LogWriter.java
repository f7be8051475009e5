package dev.gatewaybridge.servlet;

import jakarta.servlet.ServletContext;

import java.io.Writer;

/**
 * {@code wsgi.errors}: text the application writes goes to the container's log, one log record per line.
 * One instance per request, so lines of concurrent requests never interleave inside a record.
 */
final class LogWriter extends Writer {

    private final ServletContext context;
    private final String prefix;
    private final StringBuilder line = new StringBuilder();

    LogWriter(ServletContext context, String prefix) {
        this.context = context;
        this.prefix = prefix;
    }

    @Override
    public void write(char[] chars, int off, int len) {
        for (int i = off; i < off + len; i++) {
            char c = chars[i];
            if (c == '\n') {
                emit();
            } else if (c != '\r') {
                line.append(c);
            }
        }
    }

    /** Logs a pending partial line (PEP 3333: flush makes written text visible). */
    @Override
    public void flush() {
        if (line.length() > 0) {
            emit();
        }
    }

    @Override
    public void close() {
        flush();
    }

    private void emit() {
        context.log(prefix + line);
        line.setLength(0);
    }
}
