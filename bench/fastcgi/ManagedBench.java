import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import dev.gatewaybridge.fastcgi.FastCgiApplication;
import dev.gatewaybridge.servlet.GatewayServlet;

/**
 * The JVM of bench/managed-bench.sh: in one Jetty JVM (one JIT warm-up) the bridge to N php-cgi workers it runs
 * itself (fastcgi.command, issue 15) and the bridge to a php-fpm pool of N children on a Unix socket, each on an
 * ephemeral port printed as {@code PORT managed p} and {@code PORT fpm p}.
 * Run with the JDK's source launcher: java -cp CLASSPATH ManagedBench.java ROOT FPM_SOCKET N
 */
public class ManagedBench {
    public static void main(String[] a) throws Exception {
        String root = a[0];
        int n = Integer.parseInt(a[2]);
        // -n: no php.ini, as bench/php-fpm.sh starts php-fpm.
        FastCgiApplication managed = FastCgiApplication.builder().command("/usr/bin/php-cgi -n -b {socket}").workers(n)
                .workerEnv("PHP_FCGI_MAX_REQUESTS", "0").root(root).scriptPattern("^(.+\\.php)(/.*)$").build();
        FastCgiApplication fpm = FastCgiApplication.builder().backends("unix:" + a[1]).maxConnections(n).balance("least-busy")
                .root(root).scriptPattern("^(.+\\.php)(/.*)$").idleTimeout(Duration.ofSeconds(1)).build();
        System.out.println("PORT managed " + start(managed));
        System.out.println("PORT fpm " + start(fpm));
        new CountDownLatch(1).await();
    }
    static int start(FastCgiApplication app) throws Exception {
        Server server = new Server(new QueuedThreadPool(200));
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        server.addConnector(c);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new GatewayServlet(app)), "/*");
        server.setHandler(context);
        server.start();
        return c.getLocalPort();
    }
}
