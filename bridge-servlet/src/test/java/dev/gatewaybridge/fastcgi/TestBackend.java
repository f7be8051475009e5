package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small FastCGI application server for the cases no real peer produces on demand: multiplexing, a chosen
 * FCGI_GET_VALUES answer, garbage records, FCGI_OVERLOADED, watching FCGI_ABORT_REQUEST arrive. Built on the
 * same writer and parser, it runs on a loopback port, one thread per connection.
 */
final class TestBackend implements AutoCloseable {

    /** One request as the backend got it. */
    record Request(int id, int role, boolean keepConn, Map<String, String> params, byte[] stdin) {
    }

    /** Answers a request; runs on its own thread when the backend multiplexes. */
    interface Handler {
        void handle(Request request, Responder out) throws Exception;
    }

    /** The application side of one request. */
    static final class Responder {
        private final ApplicationRecordWriter writer;
        private final int id;
        final OutputStream raw;
        volatile boolean aborted;

        Responder(ApplicationRecordWriter writer, OutputStream raw, int id) {
            this.writer = writer;
            this.raw = raw;
            this.id = id;
        }

        Responder stdout(String text) throws IOException {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            synchronized (writer) {
                writer.stream(FCGI_STDOUT, id, b, 0, b.length);
                writer.flush();
            }
            return this;
        }

        Responder stderr(String text) throws IOException {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            synchronized (writer) {
                writer.stream(FCGI_STDERR, id, b, 0, b.length);
                writer.flush();
            }
            return this;
        }

        void end(int appStatus, int protocolStatus) throws IOException {
            synchronized (writer) {
                if (protocolStatus == FCGI_REQUEST_COMPLETE) {
                    writer.endStream(FCGI_STDOUT, id);
                }
                writer.endRequest(id, appStatus, protocolStatus);
                writer.flush();
            }
        }

        void end() throws IOException {
            end(0, FCGI_REQUEST_COMPLETE);
        }
    }

    private final ServerSocket server;
    private final Handler handler;
    private final Map<String, String> values;
    private final boolean multiplex;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final List<Integer> aborts = new CopyOnWriteArrayList<>();
    final List<Request> seen = new CopyOnWriteArrayList<>();
    /** FCGI_GET_VALUES records received. */
    final AtomicInteger getValues = new AtomicInteger();

    /**
     * @param values the FCGI_GET_VALUES answer (empty: answer with no values; null: never answer, as uWSGI)
     * @param multiplex run each request on its own thread, so several overlap on one connection
     */
    TestBackend(Map<String, String> values, boolean multiplex, Handler handler) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.handler = handler;
        this.values = values;
        this.multiplex = multiplex;
        this.acceptor = new Thread(this::acceptLoop, "test-backend-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    TestBackend(Handler handler) throws IOException {
        this(Map.of(), false, handler);
    }

    String backend() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                sockets.add(socket);
                Thread t = new Thread(() -> serve(socket), "test-backend-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            OutputStream raw = socket.getOutputStream();
            ApplicationRecordWriter writer = new ApplicationRecordWriter(raw);
            Map<Integer, Responder> responders = new ConcurrentHashMap<>();
            Map<Integer, Object[]> pending = new HashMap<>();
            RecordParser parser = new RecordParser(new RecordListener() {
                @Override
                public void onBeginRequest(int id, int role, boolean keepConn) {
                    pending.put(id, new Object[] {role, keepConn, new ByteArrayOutputStream(), null,
                            new ByteArrayOutputStream()});
                }

                @Override
                public void onStream(int type, int id, byte[] b, int off, int len) {
                    Object[] p = pending.get(id);
                    if (type == FCGI_PARAMS) {
                        if (len > 0) {
                            ((ByteArrayOutputStream) p[2]).write(b, off, len);
                        } else {
                            ByteArrayOutputStream buf = (ByteArrayOutputStream) p[2];
                            Map<String, String> params = new LinkedHashMap<>();
                            for (var pair : NameValues.decode(buf.toByteArray(), 0, buf.size())) {
                                params.put(pair.name(StandardCharsets.UTF_8), pair.value(StandardCharsets.UTF_8));
                            }
                            p[3] = params;
                        }
                    } else if (type == FCGI_STDIN) {
                        if (len > 0) {
                            ((ByteArrayOutputStream) p[4]).write(b, off, len);
                        } else {
                            pending.remove(id);
                            @SuppressWarnings("unchecked")
                            Request r = new Request(id, (Integer) p[0], (Boolean) p[1], (Map<String, String>) p[3],
                                    ((ByteArrayOutputStream) p[4]).toByteArray());
                            start(r, writer, raw, responders);
                        }
                    }
                }

                @Override
                public void onAbortRequest(int id) {
                    aborts.add(id);
                    Responder r = responders.get(id);
                    if (r != null) {
                        r.aborted = true;
                    }
                }

                @Override
                public void onGetValues(List<NameValues.Pair> names) {
                    getValues.incrementAndGet();
                    if (values == null) {
                        return;
                    }
                    try {
                        synchronized (writer) {
                            writer.getValuesResult(values);
                            writer.flush();
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                parser.feed(buffer, 0, n);
            }
        } catch (Exception e) {
            if (System.getProperty("test.backend.debug") != null) {
                e.printStackTrace();
            }
        } finally {
            sockets.remove(socket);
        }
    }

    private void start(Request r, ApplicationRecordWriter writer, OutputStream raw,
            Map<Integer, Responder> responders) {
        requests.incrementAndGet();
        seen.add(r);
        Responder out = new Responder(writer, raw, r.id());
        responders.put(r.id(), out);
        Runnable run = () -> {
            try {
                handler.handle(r, out);
            } catch (Exception e) {
                // the test sees the effect on the client side
            } finally {
                responders.remove(r.id());
            }
        };
        if (multiplex) {
            Thread t = new Thread(run, "test-backend-request");
            t.setDaemon(true);
            t.start();
        } else {
            run.run();
        }
    }

    /** Connections open now. */
    int openConnections() {
        return sockets.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
