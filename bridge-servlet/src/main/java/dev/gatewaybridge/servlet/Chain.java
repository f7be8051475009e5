package dev.gatewaybridge.servlet;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.middleware.Validator;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;

/** Builds the application and its middleware from class names, and closes them at the end. */
final class Chain {

    private Chain() {
    }

    /**
     * The application (given, or made from {@link GatewayServlet#APPLICATION}) wrapped in the configured
     * middleware, the first listed outermost. Everything built is added to {@code components}, outermost first.
     * A {@link Validator} in the list checks every layer below it, each middleware and the application, not
     * only the next one: a middleware between them would otherwise hide what the application does wrong (a
     * second start_response that it absorbs), so the Validator keeps its promise wherever it is listed.
     */
    static GatewayApplication build(GatewayApplication given, GatewayConfig config, ClassLoader loader,
                                    List<Object> components) {
        GatewayApplication app = given != null ? given
                : newApplication(load(GatewayServlet.APPLICATION, config.application(), loader), config.params());
        components.add(app);
        List<String> middleware = config.middleware();
        int validator = middleware.indexOf(Validator.class.getName());
        for (int i = middleware.size() - 1; i >= 0; i--) {
            if (validator >= 0 && i >= validator) {
                app = Validator.ofLayer(app, config.params()); // the layer below a listed Validator, checked too
            }
            if (i != validator) {
                app = newMiddleware(load(GatewayServlet.MIDDLEWARE, middleware.get(i), loader), app, config.params());
            }
            components.add(0, app);
        }
        return app;
    }

    private static Class<? extends GatewayApplication> load(String param, String className, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("init-param '" + param + "': class not found: " + className, e);
        }
        if (!GatewayApplication.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("init-param '" + param + "': " + className
                    + " does not implement " + GatewayApplication.class.getName());
        }
        return type.asSubclass(GatewayApplication.class);
    }

    private static GatewayApplication newApplication(Class<? extends GatewayApplication> type,
                                                     Map<String, String> params) {
        Constructor<? extends GatewayApplication> withParams = constructor(type, Map.class);
        if (withParams != null) {
            return instantiate(GatewayServlet.APPLICATION, withParams, params);
        }
        Constructor<? extends GatewayApplication> noArgs = constructor(type);
        if (noArgs != null) {
            return instantiate(GatewayServlet.APPLICATION, noArgs);
        }
        throw new IllegalArgumentException("init-param '" + GatewayServlet.APPLICATION + "': " + type.getName()
                + " needs a public no-arg constructor or one taking Map<String, String>");
    }

    private static GatewayApplication newMiddleware(Class<? extends GatewayApplication> type,
                                                    GatewayApplication next, Map<String, String> params) {
        Constructor<? extends GatewayApplication> withParams = constructor(type, GatewayApplication.class, Map.class);
        if (withParams != null) {
            return instantiate(GatewayServlet.MIDDLEWARE, withParams, next, params);
        }
        Constructor<? extends GatewayApplication> nextOnly = constructor(type, GatewayApplication.class);
        if (nextOnly != null) {
            return instantiate(GatewayServlet.MIDDLEWARE, nextOnly, next);
        }
        throw new IllegalArgumentException("init-param '" + GatewayServlet.MIDDLEWARE + "': " + type.getName()
                + " needs a public constructor (GatewayApplication next, Map<String, String> params)"
                + " or (GatewayApplication next)");
    }

    private static <T> Constructor<T> constructor(Class<T> type, Class<?>... parameters) {
        try {
            return type.getConstructor(parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static GatewayApplication instantiate(String param, Constructor<? extends GatewayApplication> ctor,
                                                  Object... args) {
        try {
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException("init-param '" + param + "': " + ctor.getDeclaringClass().getName()
                    + " failed to start: " + cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("init-param '" + param + "': cannot instantiate "
                    + ctor.getDeclaringClass().getName() + ": " + e, e);
        }
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
