import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.fcgi.proxy.FastCGIProxyHandler;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.cgi.CgiApplication;
import dev.gatewaybridge.fastcgi.FastCgiApplication;
import dev.gatewaybridge.scgi.ScgiApplication;
import dev.gatewaybridge.servlet.GatewayServlet;

/**
 * The JVM front ends of bench/fastcgi-bench.sh, fastcgi-cpu.sh and page-bench.sh, on one Jetty 12.1 set-up:
 * {@code bridge PORT BACKEND ROOT MAXCONN} — GatewayServlet + FastCgiApplication;
 * {@code jetty-proxy PORT HOST:PORT ROOT MAXCONN} — Jetty's own core FastCGIProxyHandler;
 * {@code hello PORT - - 0} — GatewayServlet with the same page from a Java app (the servlet layer alone);
 * {@code pages NAME=SPEC ...} — for bench/page-bench.sh, several bridges in this one JVM (one JIT warm-up), each
 * on its own server of the same set-up and an ephemeral port, printed as {@code PORT NAME port}; SPEC is
 * {@code fastcgi,BACKEND,ROOT,MAXCONN,keep|close} (FCGI_KEEP_CONN on or off), {@code scgi,BACKEND} or
 * {@code cgi,DIR} (CgiApplication, native spawner, DIR served at /cgi-bin/*).
 * Idle connections close after 1 s in both, so the front ends measured one after the other share one
 * php-fpm pool (a php-fpm child serves one kept-alive connection for its whole life).
 * Run with the JDK's source launcher: java -cp CLASSPATH BenchServer.java MODE ...
 */
public class BenchServer {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("pages")) {
            for (String spec : java.util.Arrays.copyOfRange(args, 1, args.length)) {
                String name = spec.substring(0, spec.indexOf('='));
                Server server = page(spec.substring(name.length() + 1).split(","));
                server.start();
                System.out.println("PORT " + name + " " + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
            }
            System.out.println("READY pages");
            new CountDownLatch(1).await();
        }
        int port = Integer.parseInt(args[1]);
        String backend = args[2];
        String root = args[3];
        int max = Integer.parseInt(args[4]);
        Server server = jetty(port);
        if (mode.equals("hello")) {
            // The servlet layer alone: the same page from a Java app, no FastCGI (the bridge's ceiling).
            byte[] page = "Hello, world\n".getBytes();
            server.setHandler(servlet((environ, start) -> {
                start.start("200 OK", java.util.List.of(dev.gatewaybridge.api.Header.of("Content-Type", "text/html")));
                return java.util.List.of(page);
            }, "/*"));
        } else if (mode.equals("bridge")) {
            server.setHandler(servlet(fastCgi(backend, root, max, true), "/*"));
        } else {
            FastCGIProxyHandler proxy = new FastCGIProxyHandler(
                    request -> HttpURI.build("http://" + backend + request.getHttpURI().getPathQuery()), root) {
                @Override
                protected HttpClient newHttpClient() {
                    HttpClient client = super.newHttpClient();
                    // Same pool size as the bridge: php-fpm serves one kept-alive connection per child.
                    client.setMaxConnectionsPerDestination(max);
                    // Give the php-fpm children back between runs, as the bridge and nginx do (1 s idle).
                    client.setIdleTimeout(1000);
                    return client;
                }
            };
            proxy.setScriptPattern(java.util.regex.Pattern.compile("(.+?\\.php)"));
            server.setHandler(proxy);
        }
        server.start();
        System.out.println("READY " + mode + " on " + port);
        new CountDownLatch(1).await();
    }

    /** The server every front end runs in: Jetty, 200 threads, one loopback connector on {@code port} (0: any). */
    static Server jetty(int port) {
        Server server = new Server(new QueuedThreadPool(200));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        return server;
    }

    /** GatewayServlet serving {@code app} at {@code mapping} in the root context. */
    static ServletContextHandler servlet(GatewayApplication app, String mapping) {
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new GatewayServlet(app)), mapping);
        return context;
    }

    /** The FastCGI bridge: at most {@code max} connections, closed after 1 s idle (php-fpm's children go back). */
    static FastCgiApplication fastCgi(String backend, String root, int max, boolean keepConn) {
        return FastCgiApplication.builder().backends(backend).root(root).scriptPattern("^(.+\\.php)(/.*)$")
                .maxConnections(max).keepConn(keepConn).idleTimeout(Duration.ofSeconds(1)).build();
    }

    /** One bridge of the {@code pages} mode, from its SPEC split at commas. */
    static Server page(String[] spec) {
        GatewayApplication app = switch (spec[0]) {
            case "fastcgi" -> fastCgi(spec[1], spec[2], Integer.parseInt(spec[3]), spec[4].equals("keep"));
            case "scgi" -> new ScgiApplication(java.util.Map.of(ScgiApplication.BACKENDS, spec[1]));
            case "cgi" -> CgiApplication.builder().root(java.nio.file.Path.of(spec[1])).timeout(Duration.ofSeconds(30))
                    .maxProcesses(64).spawner("native").application();
            default -> throw new IllegalArgumentException("fastcgi, scgi or cgi: " + spec[0]);
        };
        Server server = jetty(0);
        server.setHandler(servlet(app, spec[0].equals("cgi") ? "/cgi-bin/*" : "/*"));
        return server;
    }
}
