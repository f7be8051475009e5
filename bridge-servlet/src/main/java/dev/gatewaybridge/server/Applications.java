package dev.gatewaybridge.server;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import dev.gatewaybridge.api.GatewayApplication;

/**
 * Creating an application or a middleware from a class name, for every server and mount that names one: the
 * class is looked up in the thread's context class loader (a web application's own classes), then in this
 * library's; its constructor is the public one taking the params, else the narrower one. Every failure is an
 * {@link IllegalArgumentException} whose message starts with {@code what}, the caller's name for where the class
 * name came from (e.g. {@code init-param 'application'}), and names the class.
 */
public final class Applications {

    private Applications() {
    }

    /** A new application of {@code className}: a public constructor {@code (Map<String,String>)}, else {@code ()}. */
    public static GatewayApplication create(String what, String className, Map<String, String> params) {
        Class<? extends GatewayApplication> type = load(what, className);
        Constructor<? extends GatewayApplication> withParams = constructor(type, Map.class);
        if (withParams != null) {
            return instantiate(what, withParams, params);
        }
        Constructor<? extends GatewayApplication> noArgs = constructor(type);
        if (noArgs != null) {
            return instantiate(what, noArgs);
        }
        throw new IllegalArgumentException(what + ": " + className
                + " needs a public no-arg constructor or one taking Map<String, String>");
    }

    /**
     * A new middleware of {@code className} around {@code next}: a public constructor
     * {@code (GatewayApplication, Map<String,String>)}, else {@code (GatewayApplication)}.
     */
    public static GatewayApplication wrap(String what, String className, GatewayApplication next,
                                          Map<String, String> params) {
        Class<? extends GatewayApplication> type = load(what, className);
        Constructor<? extends GatewayApplication> withParams = constructor(type, GatewayApplication.class, Map.class);
        if (withParams != null) {
            return instantiate(what, withParams, next, params);
        }
        Constructor<? extends GatewayApplication> nextOnly = constructor(type, GatewayApplication.class);
        if (nextOnly != null) {
            return instantiate(what, nextOnly, next);
        }
        throw new IllegalArgumentException(what + ": " + className
                + " needs a public constructor (GatewayApplication next, Map<String, String> params)"
                + " or (GatewayApplication next)");
    }

    /** The class {@code className}, from the context class loader, then this library's; a GatewayApplication. */
    private static Class<? extends GatewayApplication> load(String what, String className) {
        Class<?> type = find(what, className);
        if (!GatewayApplication.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(what + ": " + className + " does not implement "
                    + GatewayApplication.class.getName());
        }
        return type.asSubclass(GatewayApplication.class);
    }

    private static Class<?> find(String what, String className) {
        ClassLoader own = Applications.class.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try {
            if (context != null && context != own) {
                try {
                    return Class.forName(className, true, context);
                } catch (ClassNotFoundException e) {
                    // Not the web application's: the library's own (a bundled middleware) is the other place.
                }
            }
            return Class.forName(className, true, own);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(what + ": class not found: " + className, e);
        }
    }

    private static <T> Constructor<T> constructor(Class<T> type, Class<?>... parameters) {
        try {
            return type.getConstructor(parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static GatewayApplication instantiate(String what, Constructor<? extends GatewayApplication> ctor,
                                                  Object... args) {
        try {
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException(what + ": " + ctor.getDeclaringClass().getName()
                    + " failed to start: " + cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(what + ": cannot instantiate "
                    + ctor.getDeclaringClass().getName() + ": " + e, e);
        }
    }
}
