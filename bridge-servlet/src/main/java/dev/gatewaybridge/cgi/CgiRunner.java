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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.FileBody;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.Reasons;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.api.Write;
import dev.gatewaybridge.bridge.BlockInputStream;

/**
 * Runs a {@link GatewayApplication} as a CGI program (RFC 3875), as Python's
 * {@code wsgiref.handlers.CGIHandler} does for WSGI: the environ is the process environment (the server's
 * meta-variables) plus the {@code wsgi.*} keys, the body is stdin, the response a CGI response on stdout.
 *
 * <pre>java -cp app.jar:bridge-servlet.jar dev.gatewaybridge.cgi.CgiRunner com.example.App [name=value ...]</pre>
 *
 * The class needs a public no-arg constructor or one taking {@code Map<String,String>}, which gets the
 * {@code name=value} arguments. {@code wsgi.run_once} is true. Run the JVM with a UTF-8 locale
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
        int code;
        try {
            GatewayApplication app = instantiate(args[0], params(args));
            code = run(app, System.getenv(), new FileInputStream(FileDescriptor.in), stdout, System.err);
            Bodies.close(app);
        } catch (ReflectiveOperationException e) {
            System.err.println("CgiRunner: cannot create " + args[0] + ": " + e);
            writeError(stdout, 500, "Internal Server Error");
            code = 1;
        }
        System.exit(code);
    }

    /**
     * Runs {@code app} once on the CGI request in {@code env} and {@code stdin}, writing the CGI response to
     * {@code stdout}; returns the exit status (0, or 1 if the application failed).
     */
    public static int run(GatewayApplication app, Map<String, String> env, InputStream stdin, OutputStream stdout,
            PrintStream stderr) throws IOException {
        Map<String, Object> environ = environ(env, stdin, stderr);
        Response response = new Response(new BufferedOutputStream(stdout, 16 * 1024));
        Iterable<byte[]> body = null;
        try {
            body = app.call(environ, response);
            for (byte[] chunk : body) {
                response.write(chunk);
            }
            response.finish();
            return 0;
        } catch (Exception e) {
            stderr.println("CgiRunner: application failed: " + e);
            e.printStackTrace(stderr);
            if (!response.sent) {
                int status = e instanceof HttpStatusException h ? h.status() : 500;
                writeError(response.out, status, Reasons.of(status));
            }
            return 1;
        } finally {
            try {
                Bodies.close(body);
            } catch (Exception e) {
                stderr.println("CgiRunner: closing the body failed: " + e);
            }
            response.out.flush();
            ((PrintWriter) environ.get(Environ.WSGI_ERRORS)).flush();
        }
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

    /** start_response and the writes: headers leave with the first non-empty chunk, as "Status:" + fields. */
    private static final class Response implements StartResponse, Write {
        final OutputStream out;
        String status;
        List<Header> headers;
        boolean sent;

        Response(OutputStream out) {
            this.out = out;
        }

        @Override
        public Write start(String status, List<Header> headers, Throwable excInfo) {
            if (excInfo != null) {
                if (sent) {
                    throw excInfo instanceof RuntimeException r ? r : new IllegalStateException(excInfo);
                }
            } else if (this.status != null) {
                throw new IllegalStateException("start_response called twice without exc_info");
            }
            HeaderRules.checkStatus(status);
            for (Header h : headers) {
                HeaderRules.checkHeader(h);
            }
            this.status = status;
            this.headers = new ArrayList<>(headers);
            return this;
        }

        @Override
        public void write(byte[] data) throws IOException {
            if (status == null) {
                throw new IllegalStateException("body before start_response");
            }
            if (data.length == 0) {
                return;
            }
            sendHeaders();
            out.write(data);
            out.flush();
        }

        void finish() throws IOException {
            if (status == null) {
                throw new IllegalStateException("the application returned without calling start_response");
            }
            sendHeaders();
            out.flush();
        }

        private void sendHeaders() throws IOException {
            if (sent) {
                return;
            }
            sent = true;
            StringBuilder head = new StringBuilder("Status: ").append(status).append("\r\n");
            for (Header h : headers) {
                head.append(h.name()).append(": ").append(h.value()).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
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

    private static GatewayApplication instantiate(String className, Map<String, String> params)
            throws ReflectiveOperationException {
        Class<?> type = Class.forName(className);
        try {
            return (GatewayApplication) type.getConstructor(Map.class).newInstance(params);
        } catch (NoSuchMethodException e) {
            return (GatewayApplication) type.getConstructor().newInstance();
        }
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
