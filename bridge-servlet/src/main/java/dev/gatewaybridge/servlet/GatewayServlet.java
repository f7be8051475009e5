package dev.gatewaybridge.servlet;

import dev.gatewaybridge.api.ControlBytes;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.HttpStatusException;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serves a {@link GatewayApplication} from a servlet container: PEP 3333's "server side" for Jakarta
 * Servlet 6 (mod_wsgi's embedded mode). Each request becomes an environ, the application chain is called,
 * and its response is copied back under the PEP 3333 rules.
 *
 * <p>Configured by init-params; context-params of the same names are defaults that servlet init-params
 * override. The names are the constants below. A missing or wrong value fails {@code init()} naming the
 * param and the value.
 *
 * <pre>{@code
 * <servlet>
 *   <servlet-name>hello</servlet-name>
 *   <servlet-class>dev.gatewaybridge.servlet.GatewayServlet</servlet-class>
 *   <init-param><param-name>application</param-name><param-value>com.example.HelloApp</param-value></init-param>
 * </servlet>
 * }</pre>
 */
public class GatewayServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /**
     * The application class: public, with a public no-arg constructor or one taking the init-params as
     * {@code Map<String, String>}. Required unless an instance is given to the constructor.
     */
    public static final String APPLICATION = "application";
    /**
     * Middleware class names, separated by commas or white space, outermost first. Each has a public
     * constructor {@code (GatewayApplication next, Map<String, String> params)} or {@code (GatewayApplication next)}.
     * Default: none.
     */
    public static final String MIDDLEWARE = "middleware";
    /** {@code wsgi.multithread}; {@code false} serializes calls to the application. Default {@code true}. */
    public static final String MULTITHREAD = "multithread";
    /** {@code wsgi.multiprocess}, as the deployment declares it. Default {@code false}. */
    public static final String MULTIPROCESS = "multiprocess";
    /** {@code wsgi.run_once}. Default {@code false}. */
    public static final String RUN_ONCE = "runOnce";
    /** Fixed environ entries, one {@code NAME=value} per line, applied last. Default: none. */
    public static final String ENVIRON = "environ";
    /** Whether the 500 page shows the stack trace (it is always logged). Default {@code false}. */
    public static final String ERROR_DETAIL = "errorDetail";
    /** These top-level params, declared (an undeclared name without a dot fails init; docs/parameters.md). */
    public static final dev.gatewaybridge.config.Namespace PARAMETERS = GatewayConfig.NAMESPACE;

    private final transient GatewayApplication given;
    private transient GatewayConfig config;
    private transient GatewayApplication chain;
    private transient List<Object> components;
    private transient EnvironBuilder environs;
    private transient GatewayLog log;
    private transient ReentrantLock serial;

    /** For web.xml: the application is named by the {@value #APPLICATION} init-param. */
    public GatewayServlet() {
        this(null);
    }

    /** For programmatic registration: serves {@code application}; init-params still configure the rest. */
    public GatewayServlet(GatewayApplication application) {
        this.given = application;
    }

    @Override
    public void init() throws ServletException {
        log = new GatewayLog(getServletName());
        try {
            GatewayConfig.rejectUnknownTopLevel(Collections.list(getServletConfig().getInitParameterNames()));
            config = GatewayConfig.from(params(getServletConfig()), given == null);
            components = new ArrayList<>();
            chain = Chain.build(given, config, components);
        } catch (IllegalArgumentException e) {
            // Our own line naming param and value: Tomcat logs only the root cause of a failed init.
            log.warn("init failed: " + e.getMessage());
            throw new ServletException("GatewayServlet [" + getServletName() + "]: " + e.getMessage(), e.getCause());
        }
        environs = new EnvironBuilder(config, getServletContext(), getServletName());
        serial = config.multithread() ? null : new ReentrantLock(true);
    }

    /** Context-params as defaults, servlet init-params over them. */
    private static Map<String, String> params(ServletConfig servletConfig) {
        Map<String, String> params = new HashMap<>();
        var context = servletConfig.getServletContext();
        for (String name : Collections.list(context.getInitParameterNames())) {
            params.put(name, context.getInitParameter(name));
        }
        for (String name : Collections.list(servletConfig.getInitParameterNames())) {
            params.put(name, servletConfig.getInitParameter(name));
        }
        return params;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
        Exchange exchange = new Exchange(response, log, config.errorDetail(), "HEAD".equals(request.getMethod()));
        var environ = environs.build(request);
        // A control byte in the path: 400 before any application or program sees it, as Jetty does itself.
        HttpStatusException refused = ControlBytes.inPath((String) environ.get(Environ.SCRIPT_NAME),
                (String) environ.get(Environ.PATH_INFO), request.getRequestURI());
        GatewayApplication app = refused == null ? chain : (env, start) -> {
            throw refused;
        };
        if (serial != null) {
            serial.lock(); // wsgi.multithread false: one call at a time, body included
        }
        try {
            exchange.run(app, environ);
        } finally {
            environs.flushErrors();
            if (serial != null) {
                serial.unlock();
            }
        }
    }

    /** Closes every AutoCloseable in the chain (pools, processes), outermost first. */
    @Override
    public void destroy() {
        if (components != null) {
            Chain.closeAll(components, log);
        }
    }
}
