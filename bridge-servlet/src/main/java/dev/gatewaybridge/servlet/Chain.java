package dev.gatewaybridge.servlet;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.middleware.Validator;
import dev.gatewaybridge.server.Applications;

import java.util.List;

/**
 * Builds the application and its middleware from class names ({@link Applications}: the context class loader,
 * then the library's), and closes them at the end.
 */
final class Chain {

    private static final String APPLICATION = "init-param '" + GatewayServlet.APPLICATION + "'";
    private static final String MIDDLEWARE = "init-param '" + GatewayServlet.MIDDLEWARE + "'";

    private Chain() {
    }

    /**
     * The application (given, or made from {@link GatewayServlet#APPLICATION}) wrapped in the configured
     * middleware, the first listed outermost. Everything built is added to {@code components}, outermost first.
     * A {@link Validator} in the list checks every layer below it, each middleware and the application, not
     * only the next one: a middleware between them would otherwise hide what the application does wrong (a
     * second start_response that it absorbs), so the Validator keeps its promise wherever it is listed.
     */
    static GatewayApplication build(GatewayApplication given, GatewayConfig config, List<Object> components) {
        GatewayApplication app = given != null ? given
                : Applications.create(APPLICATION, config.application(), config.params());
        components.add(app);
        List<String> middleware = config.middleware();
        int validator = middleware.indexOf(Validator.class.getName());
        for (int i = middleware.size() - 1; i >= 0; i--) {
            if (validator >= 0 && i >= validator) {
                app = Validator.ofLayer(app, config.params()); // the layer below a listed Validator, checked too
            }
            if (i != validator) {
                app = Applications.wrap(MIDDLEWARE, middleware.get(i), app, config.params());
            }
            components.add(0, app);
        }
        return app;
    }

    /** Closes each AutoCloseable component; a failure is logged and the rest still close. */
    static void closeAll(List<Object> components, GatewayLog log) {
        for (Object component : components) {
            if (component instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.error("closing " + component.getClass().getName() + " failed", e);
                }
            }
        }
    }
}
