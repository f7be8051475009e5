package dev.gatewaybridge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;

import dev.gatewaybridge.servlet.GatewayServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One embedded Jetty serving, side by side, the plain servlet baseline and the GatewayServlet version of
 * the same thing, so both are measured in the same JVM, the same run:
 * <ul>
 *   <li>{@code /plain/hello}, {@code /gateway/hello}: "Hello, world!\n", text/plain, Content-Length 14;</li>
 *   <li>{@code /plain/echo}, {@code /gateway/echo}: the request body streamed back, 64 KiB at a time;</li>
 *   <li>{@code /probe/heap}: peak heap use since the last {@code /probe/heap?reset}.</li>
 * </ul>
 * Usage: {@code BenchServer [port]} (0 or none: any free port); prints {@code PORT=n} once started.
 * Listens on loopback only.
 */
public final class BenchServer {

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("plain-hello", new PlainHello()), "/plain/hello");
        // An identical second baseline: an A/A control of the measurement itself (bench/aa-control.sh).
        context.addServlet(new ServletHolder("plain2-hello", new PlainHello()), "/plain2/hello");
        context.addServlet(new ServletHolder("gateway-hello", new GatewayServlet(new BenchApps.Hello())),
                "/gateway/hello");
        context.addServlet(new ServletHolder("plain-echo", new PlainEcho()), "/plain/echo");
        context.addServlet(new ServletHolder("gateway-echo", new GatewayServlet(new BenchApps.Echo())),
                "/gateway/echo");
        context.addServlet(new ServletHolder("probe", new HeapProbe()), "/probe/heap");
        server.setHandler(context);
        server.start();
        System.out.println("PORT=" + connector.getLocalPort());
        System.out.flush();
        server.join();
    }

    /** The baseline hello: the bytes and headers BenchApps.Hello sends, written directly. */
    static final class PlainHello extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setStatus(200);
            resp.setHeader("Content-Type", BenchApps.TEXT);
            resp.setHeader("Content-Length", Integer.toString(BenchApps.HELLO.length));
            resp.getOutputStream().write(BenchApps.HELLO);
        }
    }

    /** The baseline echo: the request body copied back with the same 64 KiB buffer and headers. */
    static final class PlainEcho extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setStatus(200);
            resp.setHeader("Content-Type", req.getContentType() == null ? "application/octet-stream"
                    : req.getContentType());
            long length = req.getContentLengthLong();
            if (length >= 0) {
                resp.setHeader("Content-Length", Long.toString(length));
            }
            byte[] buffer = new byte[BenchApps.CHUNK];
            InputStream in = req.getInputStream();
            OutputStream out = resp.getOutputStream();
            for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        }
    }

    /** Peak heap (sum of the heap pools' peaks) since the last reset; {@code ?reset} GCs and resets. */
    static final class HeapProbe extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getParameter("reset") != null) {
                System.gc();
                ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            }
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            long max = Runtime.getRuntime().maxMemory();
            byte[] body = ("{\"peakHeapBytes\": " + peak + ", \"maxHeapBytes\": " + max + "}\n")
                    .getBytes(StandardCharsets.UTF_8);
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }
}
