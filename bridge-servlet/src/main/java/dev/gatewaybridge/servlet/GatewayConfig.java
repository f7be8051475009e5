package dev.gatewaybridge.servlet;

import static dev.gatewaybridge.servlet.GatewayServlet.APPLICATION;
import static dev.gatewaybridge.servlet.GatewayServlet.ENVIRON;
import static dev.gatewaybridge.servlet.GatewayServlet.ERROR_DETAIL;
import static dev.gatewaybridge.servlet.GatewayServlet.MIDDLEWARE;
import static dev.gatewaybridge.servlet.GatewayServlet.MULTIPROCESS;
import static dev.gatewaybridge.servlet.GatewayServlet.MULTITHREAD;
import static dev.gatewaybridge.servlet.GatewayServlet.RUN_ONCE;

import dev.gatewaybridge.config.ConfigReader;
import dev.gatewaybridge.config.Namespace;
import dev.gatewaybridge.config.Setting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The servlet's configuration, read once at {@code init()} from the merged init-params. Every bad value
 * fails with an {@link IllegalArgumentException} naming the param and the value.
 *
 * @param application  the application class name; {@code null} when the servlet was given an instance
 * @param middleware   middleware class names, outermost first
 * @param environ      fixed entries added to every environ
 * @param params       all init-params, handed to application and middleware constructors
 */
record GatewayConfig(String application, List<String> middleware, boolean multithread, boolean multiprocess,
                     boolean runOnce, Map<String, String> environ, boolean errorDetail, Map<String, String> params) {

    // The servlet's own parameters: the only names without a dot (dotted ones belong to bridges and middleware).
    static final Setting<String> APPLICATION_SETTING = Setting.of(APPLICATION, "class name", v -> v, null,
            "required, unless the servlet is given an instance", "the application class: public, with a public "
            + "no-arg constructor or one taking `Map<String, String>` (all params)");
    static final Setting<List<String>> MIDDLEWARE_SETTING = Setting.list(MIDDLEWARE, List.of(), "none",
            "middleware classes, comma or space separated, first listed outermost; each with a public constructor "
            + "`(GatewayApplication next, Map<String, String> params)` or `(GatewayApplication next)`");
    static final Setting<Boolean> MULTITHREAD_SETTING = Setting.bool(MULTITHREAD, true,
            "`wsgi.multithread`; `false` serializes calls (one request at a time, body included)");
    static final Setting<Boolean> MULTIPROCESS_SETTING = Setting.bool(MULTIPROCESS, false,
            "`wsgi.multiprocess`, as the deployment declares it (e.g. a cluster)");
    static final Setting<Boolean> RUN_ONCE_SETTING = Setting.bool(RUN_ONCE, false, "`wsgi.run_once`");
    static final Setting<List<Map.Entry<String, String>>> ENVIRON_SETTING = Setting.pairs(ENVIRON,
            "fixed environ entries, applied after the request's (so they override)");
    static final Setting<Boolean> ERROR_DETAIL_SETTING = Setting.bool(ERROR_DETAIL, false,
            "show the stack trace in the 500 page (it is always logged)");

    /** The servlet's top-level init-params (prefix "": every name without a dot). */
    static final Namespace NAMESPACE = new Namespace("", "GatewayServlet (top-level init-params)",
            List.of(APPLICATION_SETTING, MIDDLEWARE_SETTING, MULTITHREAD_SETTING, MULTIPROCESS_SETTING,
                    RUN_ONCE_SETTING, ENVIRON_SETTING, ERROR_DETAIL_SETTING));

    /** Reads the configuration; {@code applicationRequired} is false when an instance was given in code. */
    static GatewayConfig from(Map<String, String> params, boolean applicationRequired) {
        ConfigReader reader = new ConfigReader(params, NAMESPACE);
        String application = reader.get(APPLICATION_SETTING);
        if (application == null && applicationRequired) {
            throw new IllegalArgumentException("init-param '" + APPLICATION
                    + "' is missing: name the application class, e.g. com.example.HelloApp");
        }
        Map<String, String> environ = new LinkedHashMap<>();
        reader.get(ENVIRON_SETTING).forEach(e -> environ.put(e.getKey(), e.getValue()));
        return new GatewayConfig(application, reader.get(MIDDLEWARE_SETTING), reader.get(MULTITHREAD_SETTING),
                reader.get(MULTIPROCESS_SETTING), reader.get(RUN_ONCE_SETTING), Map.copyOf(environ),
                reader.get(ERROR_DETAIL_SETTING), Map.copyOf(params));
    }

    /**
     * Fails on a servlet init-param without a dot that is not declared: a misspelt {@code middlware} would
     * otherwise be ignored. Context-params are not checked (the whole webapp shares them).
     */
    static void rejectUnknownTopLevel(Iterable<String> servletParamNames) {
        List<String> names = new ArrayList<>();
        servletParamNames.forEach(names::add);
        NAMESPACE.rejectUnknown(names);
    }
}
