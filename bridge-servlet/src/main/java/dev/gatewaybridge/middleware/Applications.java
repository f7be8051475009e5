package dev.gatewaybridge.middleware;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.HeaderRules;

/**
 * Creating an application named in an init-param, the way GatewayServlet creates its {@code application}:
 * a public constructor taking {@code Map<String,String>} (all params), else a public no-arg one.
 */
final class Applications {

    private Applications() {
    }

    /** A new instance of {@code className}, named by init-param {@code param}. */
    static GatewayApplication create(String param, String className, Map<String, String> params) {
        Class<?> type = load(param, className);
        if (!GatewayApplication.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("init-param " + param + ": class " + className
                    + " does not implement " + GatewayApplication.class.getName());
        }
        try {
            Object app;
            Constructor<?> withParams = constructor(type, Map.class);
            if (withParams != null) {
                app = withParams.newInstance(Map.copyOf(params));
            } else {
                Constructor<?> noArg = constructor(type);
                if (noArg == null) {
                    throw new IllegalArgumentException("init-param " + param + ": class " + className
                            + " has no public constructor () or (Map<String,String>)");
                }
                app = noArg.newInstance();
            }
            return (GatewayApplication) app;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException("init-param " + param + ": creating " + className
                    + " failed: " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("init-param " + param + ": cannot create " + className
                    + ": " + e, e);
        }
    }

    private static Class<?> load(String param, String className) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(className, true, context != null ? context : Applications.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            try {
                return Class.forName(className, true, Applications.class.getClassLoader());
            } catch (ClassNotFoundException again) {
                throw new IllegalArgumentException("init-param " + param + ": class not found: "
                        + HeaderRules.quote(className), again);
            }
        }
    }

    private static Constructor<?> constructor(Class<?> type, Class<?>... parameters) {
        try {
            return type.getConstructor(parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
