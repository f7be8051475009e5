package dev.gatewaybridge.managed;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The pool's spawn rate limit (PHP-FPM's {@code pm.max_spawn_rate}, mod_fcgid's spawn score): at most
 * {@code perSecond} worker starts in any one second. Each start reserves the earliest instant allowed: now, or
 * one second after the start {@code perSecond} places before it. The instants only grow, so any second holds
 * at most {@code perSecond} of them. Thread-safe.
 */
final class SpawnRate {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final int perSecond;
    /** The last {@code perSecond} reserved instants (System.nanoTime scale), oldest first. */
    private final ArrayDeque<Long> granted = new ArrayDeque<>();

    SpawnRate(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("spawn rate must be at least 1 per second: " + perSecond);
        }
        this.perSecond = perSecond;
    }

    /** Reserves a start at {@code now} or later; how long (ns, 0 or more) it must wait from {@code now}. */
    synchronized long reserve(long now) {
        long at = now;
        if (granted.size() == perSecond) {
            long allowed = granted.pollFirst() + SECOND;
            if (allowed - at > 0) {
                at = allowed;
            }
        }
        granted.addLast(at);
        return at - now;
    }
}
