package dev.gatewaybridge.cgi;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.FileBody;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.bridge.BlockInputStream;
import dev.gatewaybridge.server.Applications;
import dev.gatewaybridge.server.BaseHandler;
import dev.gatewaybridge.server.ResponseAbortedException;

/**
 * Runs a {@link GatewayApplication} as a CGI program (RFC 3875), as Python's
 * {@code wsgiref.handlers.CGIHandler} does for WSGI: the environ is the process environment (the server's
 * meta-variables) plus the {@code wsgi.*} keys, the body is stdin, the response a CGI response on stdout.
 *
 * <pre>java -cp app.jar:bridge-servlet.jar dev.gatewaybridge.cgi.CgiRunner com.example.App [name=value ...]</pre>
 *
 * The class ({@link Applications}: from the context class loader, then the library's) needs a public
 * constructor taking {@code Map<String,String>}, which gets the {@code name=value} arguments, or a no-arg one. {@code wsgi.run_once} is true. Run the JVM with a UTF-8 locale
 * ({@code LANG=C.UTF-8}) so non-ASCII meta-variables decode right.
 */
public final class CgiRunner {

    private CgiRunner() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: CgiRunner <application class> [name=value ...]");
            System.exit(2);
        }
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        // Stray System.out prints of the application must not corrupt the CGI response.
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        Map<String, String> params = params(args);
        GatewayApplication app;
        try {
            app = Applications.create("CgiRunner", args[0], params);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            writeError(stdout, 500, "Internal Server Error");
            System.exit(1);
            return;
        }
        int code = run(app, System.getenv(), new FileInputStream(FileDescriptor.in), stdout, System.err);
        Bodies.close(app);
        System.exit(code);
    }

    /**
     * Runs {@code app} once on the CGI request in {@code env} and {@code stdin}, writing the CGI response to
     * {@code stdout}; returns the exit status (0, or 1 if the application failed or the response was cut).
     */
    public static int run(GatewayApplication app, Map<String, String> env, InputStream stdin, OutputStream stdout,
            PrintStream stderr) throws IOException {
        Map<String, Object> environ = environ(env, stdin, stderr);
        Response response = new Response(new BufferedOutputStream(stdout, 16 * 1024),
                "HEAD".equals(environ.get(Environ.REQUEST_METHOD)), stderr);
        try {
            response.run(app, environ);
        } catch (ResponseAbortedException aborted) {
            // Logged by the handler; the server sees the short body and the exit status.
        } finally {
            response.out.flush();
            ((PrintWriter) environ.get(Environ.WSGI_ERRORS)).flush();
        }
        return response.failed ? 1 : 0;
    }

    /** The environ: every meta-variable the server set, and the wsgi.* keys (PEP 3333). */
    static Map<String, Object> environ(Map<String, String> env, InputStream stdin, PrintStream stderr) {
        Map<String, Object> environ = new HashMap<>(env);
        for (String key : List.of(Environ.SCRIPT_NAME, Environ.PATH_INFO, Environ.QUERY_STRING)) {
            environ.putIfAbsent(key, ""); // PEP 3333: present even when empty
        }
        environ.putIfAbsent(Environ.REQUEST_METHOD, "GET");
        String length = env.getOrDefault(Environ.CONTENT_LENGTH, "");
        long limit = length.isEmpty() ? Long.MAX_VALUE : Long.parseLong(length.trim());
        environ.put(Environ.WSGI_INPUT, new BoundedInput(stdin, limit));
        environ.put(Environ.WSGI_ERRORS, new PrintWriter(stderr, true, StandardCharsets.UTF_8));
        environ.put(Environ.WSGI_VERSION, List.of(1, 0));
        boolean https = "on".equalsIgnoreCase(env.get(Environ.HTTPS)) || "1".equals(env.get(Environ.HTTPS));
        environ.put(Environ.WSGI_URL_SCHEME, https ? "https" : "http");
        environ.put(Environ.WSGI_MULTITHREAD, false);
        environ.put(Environ.WSGI_MULTIPROCESS, true);
        environ.put(Environ.WSGI_RUN_ONCE, true);
        environ.put(Environ.WSGI_INPUT_TERMINATED, true);
        environ.put(Environ.WSGI_FILE_WRAPPER, FileBody.WRAPPER);
        return environ;
    }

    /** The {@link BaseHandler} rules over stdout: headers leave with the first non-empty chunk, in a Status field. */
    private static final class Response extends BaseHandler {
        final OutputStream out;
        private final PrintStream stderr;
        boolean failed;

        Response(OutputStream out, boolean head, PrintStream stderr) {
            super(head, false);
            this.out = out;
            this.stderr = stderr;
        }

        /** RFC 3875 §6.3.3: the status goes in a Status header field; the fields end with a blank line. */
        @Override
        protected OutputStream sendStatusAndHeaders(long knownLength) throws IOException {
            StringBuilder head = new StringBuilder("Status: ").append(status()).append("\r\n");
            for (Header h : headers()) {
                head.append(h.name()).append(": ").append(h.value()).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            return out;
        }

        /** Exit status 1 for any failure, answered with a 500 or cut after the headers. */
        @Override
        protected void handleError(Throwable failure) throws IOException {
            failed = true;
            super.handleError(failure);
        }

        /** The server closed stdout: the exit status says so. */
        @Override
        protected void clientGone(IOException cause) {
            failed = true;
            stderr.println("CgiRunner: the server stopped reading the response: " + cause);
        }

        @Override
        protected void logWarning(String message) {
            stderr.println("CgiRunner: " + message);
        }

        @Override
        protected void logError(String message, Throwable failure) {
            stderr.println("CgiRunner: " + message + ": " + failure);
            failure.printStackTrace(stderr);
        }
    }

    private static void writeError(OutputStream out, int status, String reason) throws IOException {
        out.write(("Status: " + status + " " + reason + "\r\nContent-Type: text/plain\r\n\r\n"
                + status + " " + reason + "\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static Map<String, String> params(String[] args) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("argument is not name=value: " + args[i]);
            }
            params.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return params;
    }

    /** stdin up to CONTENT_LENGTH: PEP 3333 lets an application read to end of stream. */
    private static final class BoundedInput extends BlockInputStream {
        private final InputStream in;
        private long left;

        BoundedInput(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            } else if (n < 0) {
                left = 0;
            }
            return n;
        }
    }
}
