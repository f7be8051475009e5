package dev.gatewaybridge.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;

/** No file stays open: full bodies, ranges, 304s, HEADs and clients that leave mid-body, on both containers. */
class FilesLeakTest {

    @TempDir
    Path dir;

    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void everyFileOpenedIsClosed(ServletContainer.Kind kind) throws Exception {
        byte[] big = new byte[4 << 20];
        new Random(1).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        try (ServletContainer server = ServletContainer.start(kind,
                FileApplication.builder().root(dir).application(), "", "/*", Map.of())) {
            assertEquals(200, RawHttp.get(server.port(), "/big.bin").status());
            int before = openFds();
            String etag = RawHttp.get(server.port(), "/big.bin").header("ETag");
            for (int i = 0; i < 40; i++) {
                assertEquals(200, RawHttp.get(server.port(), "/big.bin").status());
                assertEquals(206, RawHttp.get(server.port(), "/big.bin", "Range: bytes=" + i + "-" + (i * 1000)).status());
                assertEquals(304, RawHttp.get(server.port(), "/big.bin", "If-None-Match: " + etag).status());
                assertEquals(416, RawHttp.get(server.port(), "/big.bin", "Range: bytes=99999999-").status());
                try (RawHttp gone = RawHttp.open(server.port())) {
                    gone.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals(200, gone.readHead().status()); // then leave with most of 4 MiB unread
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (openFds() > before && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(openFds() <= before, kind + ": fds before " + before + ", after " + openFds());
        }
    }
}
