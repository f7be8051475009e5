package dev.gatewaybridge.upstream;

import dev.gatewaybridge.config.ConfigReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.api.BackendTimeoutException;
import dev.gatewaybridge.api.BackendUnavailableException;

class BackendSetTest {

    private final AtomicLong clock = new AtomicLong();

    private BackendSet set(BackendSet.Balance balance, int maxFails, String... addresses) {
        List<BackendAddress> list = new ArrayList<>();
        for (String a : addresses) {
            list.add(BackendAddress.parse(a));
        }
        return new BackendSet(list, balance, maxFails, Duration.ofSeconds(10), clock::get);
    }

    private static String name(BackendSet.Lease<?> lease) {
        return lease.backend().toString();
    }

    @Test
    void roundRobinTakesEachInTurn() {
        BackendSet set = set(BackendSet.Balance.ROUND_ROBIN, 1, "a:1", "b:1", "c:1");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try (var lease = set.acquire(b -> b)) {
                seen.add(name(lease));
            }
        }
        assertEquals(List.of("a:1", "b:1", "c:1", "a:1", "b:1", "c:1"), seen);
    }

    @Test
    void leastBusyTakesTheBackendWithFewestRequestsInFlight() {
        BackendSet set = set(BackendSet.Balance.LEAST_BUSY, 1, "a:1", "b:1", "c:1");
        var first = set.acquire(b -> b);
        var second = set.acquire(b -> b);
        var third = set.acquire(b -> b);
        assertEquals(Set.of("a:1", "b:1", "c:1"), Set.of(name(first), name(second), name(third)));
        second.close();
        assertEquals(name(second), name(set.acquire(b -> b)), "the only idle backend");
        first.close();
        first.close(); // releasing twice counts once
        assertEquals(0, first.backend().inFlight());
    }

    /** An ondemand worker not running is cold: started only when every running one is busy. */
    @Test
    void leastBusyTakesAColdBackendOnlyWhenEveryWarmOneIsBusy() {
        BackendSet set = set(BackendSet.Balance.LEAST_BUSY, 1, "a:1", "b:1", "c:1");
        Set<String> warm = new java.util.HashSet<>(Set.of("a:1"));
        set.backends().forEach(b -> b.coldWhen(() -> !warm.contains(b.toString())));
        for (int i = 0; i < 5; i++) {
            try (var lease = set.acquire(b -> b)) {
                assertEquals("a:1", name(lease), "the idle warm one, never a cold one");
            }
        }
        var busy = set.acquire(b -> b);
        assertEquals("a:1", name(busy));
        var next = set.acquire(b -> b);
        assertTrue(Set.of("b:1", "c:1").contains(name(next)), "a cold one, as the warm one is busy");
        busy.close();
        next.close();
    }

    @Test
    void aLeaseRunsItsCloseActionOnceWhenClosedTwice() {
        BackendSet set = set(BackendSet.Balance.LEAST_BUSY, 1, "a:1");
        AtomicLong closed = new AtomicLong();
        var lease = set.acquire(b -> b);
        lease.onClose(closed::incrementAndGet);
        lease.close();
        lease.close();
        assertEquals(1, closed.get());
    }

    @Test
    void failsOverToTheNextBackendWhenOpeningFails() {
        BackendSet set = set(BackendSet.Balance.ROUND_ROBIN, 1, "a:1", "b:1");
        try (var lease = set.acquire(b -> {
            if (b.toString().equals("a:1")) {
                throw new ConnectException("refused");
            }
            return b;
        })) {
            assertEquals("b:1", name(lease));
            assertEquals(0, set.backends().get(0).inFlight(), "a failed open is not in flight");
        }
    }

    @Test
    void aBackendIsDownForFailTimeoutAfterMaxFailsThenTriedAgain() {
        BackendSet set = set(BackendSet.Balance.ROUND_ROBIN, 2, "a:1", "b:1");
        Backend a = set.backends().get(0);
        a.failed(clock.get());
        assertTrue(a.isUp(clock.get()), "one failure of two allowed");
        a.failed(clock.get());
        assertTrue(!a.isUp(clock.get()), "max_fails reached");
        for (int i = 0; i < 4; i++) {
            try (var lease = set.acquire(b -> b)) {
                assertEquals("b:1", name(lease));
            }
        }
        clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertTrue(a.isUp(clock.get()), "back after fail_timeout");
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUp() {
        BackendSet set = set(BackendSet.Balance.ROUND_ROBIN, 2, "a:1", "b:1");
        Backend a = set.backends().get(0);
        a.failed(clock.get());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(11));
        a.failed(clock.get());
        assertTrue(a.isUp(clock.get()));
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        BackendSet set = set(BackendSet.Balance.ROUND_ROBIN, 2, "a:1", "b:1");
        Backend a = set.backends().get(0);
        a.failed(clock.get());
        a.succeeded();
        a.failed(clock.get());
        assertTrue(a.isUp(clock.get()));
    }

    @Test
    void aSingleBackendIsNeverMarkedDownAsInNginx() {
        BackendSet set = set(BackendSet.Balance.ROUND_ROBIN, 1, "a:1");
        Backend a = set.backends().get(0);
        for (int i = 0; i < 5; i++) {
            a.failed(clock.get());
        }
        assertTrue(a.isUp(clock.get()));
    }

    @Test
    void allBackendsFailingIs502NamingEach() {
        BackendSet set = set(BackendSet.Balance.ROUND_ROBIN, 1, "a:1", "b:1");
        var e = assertThrows(BackendUnavailableException.class,
                () -> set.acquire(b -> { throw new ConnectException("refused"); }));
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("a:1: refused") && e.getMessage().contains("b:1: refused"), e.getMessage());
        var down = assertThrows(BackendUnavailableException.class, () -> set.acquire(b -> b));
        assertTrue(down.getMessage().contains("marked down"), down.getMessage());
    }

    @Test
    void allBackendsTimingOutIs504() {
        BackendSet set = set(BackendSet.Balance.ROUND_ROBIN, 0, "a:1", "b:1");
        var e = assertThrows(BackendTimeoutException.class,
                () -> set.acquire(b -> { throw new SocketTimeoutException("connect timed out"); }));
        assertEquals(504, e.status());
    }

    @Test
    void connectsToARealListenerAfterARefusingOne() throws Exception {
        int dead;
        try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            dead = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        try (ServerSocketChannel live = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) live.getLocalAddress()).getPort();
            BackendSet set = set(BackendSet.Balance.ROUND_ROBIN, 1, "127.0.0.1:" + dead, "127.0.0.1:" + port);
            for (int i = 0; i < 3; i++) {
                try (var lease = set.connect(new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1))); Connection c = lease.value()) {
                    assertEquals("127.0.0.1:" + port, name(lease));
                    live.accept().close();
                }
            }
            assertTrue(!set.backends().get(0).isUp(clock.get()), "the refusing backend is marked down");
        }
    }

    @Test
    void inFlightCountsStayExactUnderConcurrency() throws Exception {
        BackendSet set = set(BackendSet.Balance.LEAST_BUSY, 1, "a:1", "b:1", "c:1");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> {
                    for (int j = 0; j < 2000; j++) {
                        try (var lease = set.acquire(b -> b)) {
                            assertTrue(lease.backend().inFlight() >= 1);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (Backend b : set.backends()) {
            assertEquals(0, b.inFlight(), b.toString());
        }
    }

    @Test
    void readsItsConfigurationNamingABadParam() {
        BackendSet set = BackendSet.from(new ConfigReader(Map.of("scgi.backends", "127.0.0.1:9000, unix:/x.sock",
                "scgi.balance", "least-busy"), "scgi."));
        assertEquals(2, set.backends().size());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> BackendSet.from(new ConfigReader(Map.of(), "scgi.")));
        assertTrue(missing.getMessage().contains("scgi.backends"), missing.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> BackendSet.from(new ConfigReader(
                Map.of("scgi.backends", "a:1", "scgi.balance", "random"), "scgi.")));
        assertTrue(bad.getMessage().contains("scgi.balance") && bad.getMessage().contains("random"), bad.getMessage());
    }

    @Test
    void theOpenerSeesTheSameBackendItIsLeasedFor() {
        BackendSet set = set(BackendSet.Balance.ROUND_ROBIN, 1, "a:1");
        try (var lease = set.acquire(b -> b)) {
            assertSame(lease.backend(), lease.value());
        }
    }

}
