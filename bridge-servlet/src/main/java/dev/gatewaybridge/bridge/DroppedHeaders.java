package dev.gatewaybridge.bridge;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;

/**
 * The hop-by-hop headers one application's backend sent, logged at DEBUG (JUL FINE) once per name. A
 * backend's {@code Connection: close} describes its own connection, not ours (RFC 9110 §7.6.1): it is
 * normal, dropped silently by nginx, and would otherwise fill the log on every page.
 */
public final class DroppedHeaders {

    /** More names than the hop-by-hop set holds cannot come: the set bounds this one. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final System.Logger log;

    /** Logs to {@code log}: each bridge its own, so its DEBUG level turns these lines on for it alone. */
    public DroppedHeaders(System.Logger log) {
        this.log = log;
    }

    /** Notes that {@code header} was dropped; logs it if its name was not logged before by this instance. */
    void dropped(Header header) {
        if (logged.add(header.name().toLowerCase(Locale.ROOT))) {
            log.log(System.Logger.Level.DEBUG, () -> "dropped hop-by-hop header from the backend (logged once"
                    + " per name): " + header.name() + ": " + HeaderRules.quote(header.value()));
        }
    }
}
