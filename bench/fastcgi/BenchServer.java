import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.fcgi.proxy.FastCGIProxyHandler;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import dev.gatewaybridge.fastcgi.FastCgiApplication;
import dev.gatewaybridge.servlet.GatewayServlet;

/**
 * The two JVM front ends of bench/fastcgi-bench.sh, on the same Jetty 12.1 server set-up:
 * {@code bridge PORT BACKEND ROOT MAXCONN} — GatewayServlet + FastCgiApplication;
 * {@code jetty-proxy PORT HOST:PORT ROOT MAXCONN} — Jetty's own core FastCGIProxyHandler;
 * {@code hello PORT - - 0} — GatewayServlet with the same page from a Java app (the servlet layer alone).
 * Idle connections close after 1 s in both, so the front ends measured one after the other share one
 * php-fpm pool (a php-fpm child serves one kept-alive connection for its whole life).
 * Run with the JDK's source launcher: java -cp CLASSPATH BenchServer.java MODE ...
 */
public class BenchServer {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        String backend = args[2];
        String root = args[3];
        int max = Integer.parseInt(args[4]);
        Server server = new Server(new QueuedThreadPool(200));
        var connector = new org.eclipse.jetty.server.ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        if (mode.equals("hello")) {
            // The servlet layer alone: the same page from a Java app, no FastCGI (the bridge's ceiling).
            byte[] page = "Hello, world\n".getBytes();
            ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder(new GatewayServlet((environ, start) -> {
                start.start("200 OK", java.util.List.of(dev.gatewaybridge.api.Header.of("Content-Type", "text/html")));
                return java.util.List.of(page);
            })), "/*");
            server.setHandler(context);
        } else if (mode.equals("bridge")) {
            FastCgiApplication app = FastCgiApplication.builder().backends(backend).root(root)
                    .scriptPattern("^(.+\\.php)(/.*)$").maxConnections(max).idleTimeout(Duration.ofSeconds(1)).build();
            ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder(new GatewayServlet(app)), "/*");
            server.setHandler(context);
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
}
