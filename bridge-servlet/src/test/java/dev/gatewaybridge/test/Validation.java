package dev.gatewaybridge.test;

import dev.gatewaybridge.api.GatewayApplication;

import java.util.Map;

/** Wraps test applications in the Validator when {@code -Dgateway.test.validator=MODE} is set. */
final class Validation {
    static final String PROPERTY = "gateway.test.validator";
    static final String VALIDATOR = "dev.gatewaybridge.middleware.Validator";

    private Validation() {
    }

    static GatewayApplication wrap(GatewayApplication app) {
        String mode = System.getProperty(PROPERTY);
        if (mode == null || mode.isBlank()) {
            return app;
        }
        try {
            return (GatewayApplication) Class.forName(VALIDATOR)
                    .getConstructor(GatewayApplication.class, Map.class)
                    .newInstance(app, Map.of("validator.mode", mode));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(PROPERTY + "=" + mode + " but " + VALIDATOR + " is not usable", e);
        }
    }
}
