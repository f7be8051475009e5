package dev.gatewaybridge.servlet;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Tomcat's per-read socket timeout, set for one HTTP/1.1 request so that a blocked body read ends at a
 * deadline. Tomcat's blocking read waits out {@code connectionTimeout} (or {@code connectionUploadTimeout})
 * whatever happens: {@link Thread#interrupt()} is swallowed and closing the stream does not wake it. Its
 * socket wrapper's {@code setReadTimeout} is public, but reaching it takes three private steps
 * (RequestFacade.request, coyote Request.hook, AbstractProcessor.getSocketWrapper); if any is missing (another
 * container, another Tomcat, HTTP/2) there is no such timeout and the container's own bounds the read.
 */
final class TomcatReadTimeout {

    private static final Steps STEPS = Steps.find();

    private final Object socket;
    private final long original;
    private boolean changed;

    private TomcatReadTimeout(Object socket, long original) {
        this.socket = socket;
        this.original = original;
    }

    /** The read timeout of {@code request}'s connection, or null when it is not a Tomcat HTTP/1.1 request. */
    static TomcatReadTimeout of(ServletRequest request) {
        if (STEPS == null) {
            return null;
        }
        while (request instanceof ServletRequestWrapper w) {
            request = w.getRequest();
        }
        try {
            if (!STEPS.facade.isInstance(request)) {
                return null;
            }
            Object coyote = STEPS.coyoteRequest.invoke(STEPS.facadeRequest.get(request));
            Object processor = STEPS.hook.get(coyote);
            if (processor == null || !processor.getClass().getName().equals("org.apache.coyote.http11.Http11Processor")) {
                return null; // HTTP/2 streams share one socket: its timeout is not this request's
            }
            Object socket = STEPS.socketWrapper.invoke(processor);
            return socket == null ? null : new TomcatReadTimeout(socket, (long) STEPS.getReadTimeout.invoke(socket));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The next blocking reads fail with SocketTimeoutException after {@code millis} (at least 1). */
    void set(long millis) {
        try {
            STEPS.setReadTimeout.invoke(socket, Math.max(1, millis));
            changed = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not settable after all: the container's own timeout stays
        }
    }

    /** Puts back the timeout the connection had. */
    void restore() {
        if (changed) {
            set(original);
            changed = false;
        }
    }

    /** The reflective steps, found once. */
    private record Steps(Class<?> facade, Field facadeRequest, Method coyoteRequest, Field hook, Method socketWrapper,
                         Method getReadTimeout, Method setReadTimeout) {
        static Steps find() {
            try {
                ClassLoader loader = TomcatReadTimeout.class.getClassLoader();
                Class<?> facade = Class.forName("org.apache.catalina.connector.RequestFacade", false, loader);
                Field facadeRequest = facade.getDeclaredField("request");
                facadeRequest.setAccessible(true);
                Method coyoteRequest = Class.forName("org.apache.catalina.connector.Request", false, loader)
                        .getMethod("getCoyoteRequest");
                Field hook = Class.forName("org.apache.coyote.Request", false, loader).getDeclaredField("hook");
                hook.setAccessible(true);
                Method socketWrapper = Class.forName("org.apache.coyote.AbstractProcessor", false, loader)
                        .getDeclaredMethod("getSocketWrapper");
                socketWrapper.setAccessible(true);
                Class<?> wrapper = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false, loader);
                return new Steps(facade, facadeRequest, coyoteRequest, hook, socketWrapper,
                        wrapper.getMethod("getReadTimeout"), wrapper.getMethod("setReadTimeout", long.class));
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return null; // not Tomcat (or not this Tomcat)
            }
        }
    }
}
