package dev.gatewaybridge.api;

/**
 * A {@code wsgi.input} whose blocking reads a server can bound: a read still blocked at the deadline fails
 * instead of waiting for the container's own idle timeout. The bridges' body timeouts use it where the
 * container does not end a blocked read on {@link Thread#interrupt()} (Tomcat waits out its
 * {@code connectionTimeout}; Jetty's blocking read is interruptible).
 */
public interface InputDeadline {

    /** Reads from now on fail once {@link System#nanoTime()} passes {@code nanoTime}. */
    void readDeadline(long nanoTime);

    /** Back to the container's own read timeout. */
    void clearReadDeadline();
}
