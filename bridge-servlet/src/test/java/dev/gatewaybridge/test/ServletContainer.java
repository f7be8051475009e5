package dev.gatewaybridge.test;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.servlet.GatewayServlet;

import jakarta.servlet.ServletContext;

import java.lang.reflect.Proxy;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real servlet container (embedded Jetty 12 ee10 or Tomcat 11) on an ephemeral loopback port, serving an
 * application through {@link GatewayServlet}. The servlet's log lines (its own and wsgi.errors, logged through
 * {@code System.Logger} under {@code dev.gatewaybridge.servlet}, and any the application writes through the
 * ServletContext) are captured in {@link #log()} as well as passed on.
 *
 * <p>If the system property {@code gateway.test.validator} is set (e.g. {@code strict}), every application is
 * wrapped in {@code dev.gatewaybridge.middleware.Validator} with {@code validator.mode} set to that value.
 */
public abstract class ServletContainer implements AutoCloseable {

    public enum Kind { JETTY, TOMCAT }

    /** The parent of the servlet's loggers (held: JUL keeps loggers weakly), recorded while a container runs. */
    private static final Logger SERVLET_LOG = Logger.getLogger("dev.gatewaybridge.servlet");

    protected final List<String> log = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getThrown() == null ? r.getMessage() : r.getMessage() + " | " + r.getThrown());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    protected ServletContainer() {
        SERVLET_LOG.addHandler(recorder);
    }

    /** Stops recording the servlet's log lines; each container's {@link #close()} calls it. */
    protected final void stopRecording() {
        SERVLET_LOG.removeHandler(recorder);
    }
    /** URL patterns under a security constraint that admits no one. */
    protected List<String> forbidden = List.of();

    public static ServletContainer jetty(GatewayApplication app) {
        return start(Kind.JETTY, app, "", "/*", Map.of());
    }

    public static ServletContainer tomcat(GatewayApplication app) {
        return start(Kind.TOMCAT, app, "", "/*", Map.of());
    }

    /** Starts {@code kind} serving {@code app} at {@code contextPath} + {@code mapping} with {@code initParams}. */
    public static ServletContainer start(Kind kind, GatewayApplication app, String contextPath, String mapping,
                                         Map<String, String> initParams) {
        return start(kind, app, contextPath, mapping, initParams, List.of());
    }

    /**
     * As {@link #start(Kind, GatewayApplication, String, String, Map)}, with a security constraint that lets no
     * one in ({@code <auth-constraint/>} with no role: 403) on each of the {@code forbidden} URL patterns.
     */
    public static ServletContainer start(Kind kind, GatewayApplication app, String contextPath, String mapping,
                                         Map<String, String> initParams, List<String> forbidden) {
        GatewayApplication served = app == null ? null : Validation.wrap(app);
        ServletContainer container = switch (kind) {
            case JETTY -> new JettyContainer();
            case TOMCAT -> new TomcatContainer();
        };
        container.forbidden = List.copyOf(forbidden);
        try {
            container.deploy(served, contextPath, mapping, initParams);
        } catch (Exception e) {
            container.close();
            throw new StartFailure("cannot start " + kind, e, List.copyOf(container.log));
        }
        return container;
    }

    /** A deployment that did not start, with the servlet's log lines up to the failure. */
    public static final class StartFailure extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient List<String> log;

        StartFailure(String message, Throwable cause, List<String> log) {
            super(message, cause);
            this.log = log;
        }

        /** The lines the servlet logged before the start failed. */
        public List<String> log() {
            return log;
        }
    }

    protected abstract void deploy(GatewayApplication app, String contextPath, String mapping,
                                   Map<String, String> initParams) throws Exception;

    public abstract int port();

    public abstract Kind kind();

    /** {@code http://127.0.0.1:port} + {@code pathAndQuery}. */
    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** Log lines of the servlet (its loggers) and of the application (through the ServletContext) so far. */
    public List<String> log() {
        return log;
    }

    /**
     * Whether a log line containing {@code fragment} appears within 5 s: the servlet may log just after the
     * client already has the whole response.
     */
    public boolean logged(String... fragments) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        do {
            if (log.stream().anyMatch(l -> java.util.Arrays.stream(fragments).allMatch(l::contains))) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    @Override
    public abstract void close();

    /** A GatewayServlet (of {@code app}, or configured by init-params if null) recording log lines into {@link #log}. */
    protected GatewayServlet servlet(GatewayApplication app) {
        return new GatewayServlet(app) {
            private static final long serialVersionUID = 1L;

            @Override
            public ServletContext getServletContext() {
                return recording(super.getServletContext());
            }
        };
    }

    private ServletContext recording(ServletContext context) {
        return (ServletContext) Proxy.newProxyInstance(ServletContext.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("log") && args != null && args[0] instanceof String line) {
                        log.add(args.length > 1 && args[1] instanceof Throwable t ? line + " | " + t : line);
                    }
                    try {
                        return method.invoke(context, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
