package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A php-fpm page larger than its 8 KiB output buffer leaves php-fpm in several writes, the last held by Nagle's
 * algorithm until the first is acknowledged. On a kept-alive TCP connection Linux delays that ACK (40 ms) unless
 * the reader acknowledges at once (upstream.QuickAck). The wait itself is measured in bench/page-bench.sh; here
 * the mechanism, as the kernel counts it: its delayed-ACK timer (TcpExt DelayedACKs) does not fire per page.
 */
class FastCgiDelayedAckTest {

    private static final int PAGES = 20;

    @TempDir
    Path dir;

    @Test
    void keptAliveTcpConnectionAcknowledgesMultiWritePagesWithoutTheDelayedAckTimer() throws Exception {
        try (PhpFpm fpm = PhpFpm.tcp(dir, "static", 1)
                .page("page.php", "<?php echo str_repeat('x', 12 * 1024);") // 8 KiB + 4 KiB: two writes
                .start();
             FastCgiApplication app = FastCgiApplication.builder().backends(fpm.backend())
                     .root(fpm.docroot.toString()).maxConnections(1).build()) {
            assertEquals(200, Call.of("GET", "/page.php").run(app).code()); // connected, php-fpm warm
            List<FastCgiConnection> open = app.pools().get(0).connections();
            assertEquals(1, open.size(), "one kept-alive connection");
            assertTrue(open.get(0).quickAck().enabled(), "TCP_QUICKACK is available on this platform");
            long before = delayedAcks();
            for (int i = 0; i < PAGES; i++) {
                Call c = Call.of("GET", "/page.php").run(app);
                assertEquals(200, c.code());
                assertEquals(12 * 1024, c.text().length());
            }
            long fired = delayedAcks() - before;
            // Without quick ACKs every page fires the timer once (measured: 20 of 20); other loopback traffic on
            // the machine may fire a few.
            assertTrue(fired <= PAGES / 4, "the delayed-ACK timer fired " + fired + " times for " + PAGES
                    + " kept-alive pages: php-fpm's last write waited for it");
            assertEquals(open.get(0), app.pools().get(0).connections().get(0), "still the same connection");
        }
    }

    /** The kernel's count of delayed ACKs sent when the timer fired (/proc/net/netstat, TcpExt DelayedACKs). */
    private static long delayedAcks() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                List<String> names = Arrays.asList(lines.get(i).split(" "));
                return Long.parseLong(lines.get(i + 1).split(" ")[names.indexOf("DelayedACKs")]);
            }
        }
        throw new IllegalStateException("no TcpExt DelayedACKs in /proc/net/netstat");
    }
}
