package dev.gatewaybridge.server;

/** Re-raises a throwable as it is, checked or not (PEP 3333's re-raise of exc_info). */
final class Sneaky {
    private Sneaky() {
    }

    static RuntimeException rethrow(Throwable t) {
        throw Sneaky.<RuntimeException>cast(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T cast(Throwable t) throws T {
        throw (T) t;
    }
}
