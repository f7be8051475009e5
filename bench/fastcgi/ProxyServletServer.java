import java.util.concurrent.CountDownLatch;

import org.eclipse.jetty.ee11.fcgi.proxy.FastCGIProxyServlet;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty's own FastCGIProxyServlet (ee11: Jetty 12.1 has no ee10 one) for bench/fastcgi-bench.sh, set up as
 * BenchServer sets up the bridge: same thread pool, same connector, a servlet mapped at "/*", at most MAXCONN
 * connections to the backend, idle ones closed after 1 s (so the front ends measured in turn share one php-fpm
 * pool: a php-fpm child serves one kept-alive connection for its whole life).
 * Usage: java -cp CLASSPATH ProxyServletServer.java PORT HOST:PORT ROOT MAXCONN
 * (the class path: mvn -f bench/fastcgi/proxy-servlet-pom.xml dependency:build-classpath).
 */
public class ProxyServletServer {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Server server = new Server(new QueuedThreadPool(200));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder proxy = new ServletHolder(FastCGIProxyServlet.class);
        proxy.setInitParameter("proxyTo", "http://" + args[1]);
        proxy.setInitParameter(FastCGIProxyServlet.SCRIPT_ROOT_INIT_PARAM, args[2]);
        proxy.setInitParameter(FastCGIProxyServlet.SCRIPT_PATTERN_INIT_PARAM, "(.+?\\.php)");
        proxy.setInitParameter("maxConnections", args[3]);
        proxy.setInitParameter("idleTimeout", "1000");
        proxy.setAsyncSupported(true);
        context.addServlet(proxy, "/*");
        server.setHandler(context);
        server.start();
        System.out.println("READY jetty-proxy-servlet on " + port);
        new CountDownLatch(1).await();
    }
}
