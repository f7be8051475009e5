package dev.gatewaybridge.testing;

import java.io.PrintWriter;
import java.io.StringWriter;

/** A {@code wsgi.errors} that keeps what was written, so a test can read the request's log lines back. */
final class ErrorLog extends PrintWriter {

    private final StringWriter text;

    ErrorLog() {
        this(new StringWriter());
    }

    private ErrorLog(StringWriter text) {
        super(text, true);
        this.text = text;
    }

    String text() {
        flush();
        return text.toString();
    }
}
