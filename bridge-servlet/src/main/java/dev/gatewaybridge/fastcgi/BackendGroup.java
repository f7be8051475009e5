package dev.gatewaybridge.fastcgi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backends of one application, the order to try them in, and passive health like nginx's
 * {@code max_fails}/{@code fail_timeout}: {@code maxFails} failed connects within {@code failTimeout} mark a
 * backend down for {@code failTimeout}. Down backends are tried last rather than never, so a backend that
 * comes back serves the very next request even when it is the only one.
 */
final class BackendGroup implements AutoCloseable {

    private final List<Member> members = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final boolean leastBusy;
    private final int maxFails;
    private final long failTimeoutNanos;

    private static final class Member {
        final ConnectionPool pool;
        int fails;
        long firstFail;
        long downUntil = System.nanoTime() - 1;

        Member(ConnectionPool pool) {
            this.pool = pool;
        }
    }

    BackendGroup(FastCgiSettings settings) {
        for (String b : settings.backends()) {
            members.add(new Member(new ConnectionPool(Backend.parse(b, FastCgiApplication.BACKENDS), settings)));
        }
        this.leastBusy = settings.balance().equals("least-busy");
        this.maxFails = settings.maxFails();
        this.failTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.failTimeout());
    }

    /** The pools in the order to try them for one request: live ones by the balance rule, then down ones. */
    List<ConnectionPool> order() {
        long now = System.nanoTime();
        int start = Math.floorMod(next.getAndIncrement(), members.size());
        List<Member> live = new ArrayList<>(members.size());
        List<Member> down = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get((start + i) % members.size());
                (m.downUntil - now > 0 ? down : live).add(m);
            }
            down.sort(Comparator.comparingLong(m -> m.downUntil - now));
        }
        if (leastBusy) {
            live.sort(Comparator.comparingInt(m -> m.pool.busy())); // stable: ties keep round-robin order
        }
        List<ConnectionPool> order = new ArrayList<>(members.size());
        live.forEach(m -> order.add(m.pool));
        down.forEach(m -> order.add(m.pool));
        return order;
    }

    /** A connect to {@code pool} failed. */
    synchronized void failed(ConnectionPool pool) {
        if (maxFails == 0) {
            return; // nginx: max_fails=0 disables the accounting
        }
        Member m = member(pool);
        long now = System.nanoTime();
        if (m.fails == 0 || now - m.firstFail > failTimeoutNanos) {
            m.fails = 0;
            m.firstFail = now;
        }
        if (++m.fails >= maxFails) {
            m.downUntil = now + failTimeoutNanos;
            m.fails = 0;
        }
    }

    /** A connect to {@code pool} worked: it is up. */
    synchronized void succeeded(ConnectionPool pool) {
        Member m = member(pool);
        m.fails = 0;
        m.downUntil = now() - 1;
    }

    synchronized boolean isDown(ConnectionPool pool) {
        return member(pool).downUntil - System.nanoTime() > 0;
    }

    private static long now() {
        return System.nanoTime();
    }

    private Member member(ConnectionPool pool) {
        for (Member m : members) {
            if (m.pool == pool) {
                return m;
            }
        }
        throw new IllegalArgumentException("not a member: " + pool.name);
    }

    List<ConnectionPool> pools() {
        return members.stream().map(m -> m.pool).toList();
    }

    void sweep() {
        members.forEach(m -> m.pool.sweep());
    }

    @Override
    public void close() {
        members.forEach(m -> m.pool.close());
    }
}
