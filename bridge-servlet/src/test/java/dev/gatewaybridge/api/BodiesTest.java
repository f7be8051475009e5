package dev.gatewaybridge.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class BodiesTest {

    @Test
    void aGeneratedBodyAsksItsSourceOnlyWhenAChunkIsWantedAndEndsForGood() {
        AtomicInteger reads = new AtomicInteger();
        var body = Bodies.generate(() -> reads.incrementAndGet() <= 2 ? new byte[] {1} : null, null);
        Iterator<byte[]> it = body.iterator();
        assertEquals(0, reads.get(), "nothing read before it is asked for");
        assertTrue(it.hasNext());
        it.next();
        it.next();
        assertEquals(false, it.hasNext());
        assertEquals(false, it.hasNext());
        assertEquals(3, reads.get(), "the end is sticky: the source is not asked again");
    }

    @Test
    void aSourceFailureIsThrownFromHasNextAsUnchecked() {
        var body = Bodies.generate(() -> {
            throw new IOException("backend gone");
        }, null);
        var e = assertThrows(UncheckedIOException.class, () -> body.iterator().hasNext());
        assertEquals("backend gone", e.getCause().getMessage());
    }

    @Test
    void aStreamBodyCarriesEveryByteAndClosingClosesTheStreamOnce() throws Exception {
        byte[] data = new byte[100_000];
        new java.util.Random(1).nextBytes(data);
        AtomicInteger closes = new AtomicInteger();
        var in = new ByteArrayInputStream(data) {
            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        var body = Bodies.ofStream(in, 4096);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] chunk : body) {
            assertTrue(chunk.length <= 4096);
            out.write(chunk);
        }
        body.close();
        body.close();
        assertArrayEquals(data, out.toByteArray());
        assertEquals(1, closes.get());
    }

    @Test
    void onCloseRunsTheCleanupAfterTheBodysOwnCloseEvenWhenThatFails() {
        List<String> order = new java.util.ArrayList<>();
        Iterable<byte[]> failing = new Iterable<>() {
            @Override
            public Iterator<byte[]> iterator() {
                return List.<byte[]>of().iterator();
            }
        };
        class Failing implements Iterable<byte[]>, AutoCloseable {
            @Override
            public Iterator<byte[]> iterator() {
                return failing.iterator();
            }

            @Override
            public void close() {
                order.add("body");
                throw new IllegalStateException("body close failed");
            }
        }
        var body = Bodies.onClose(new Failing(), () -> order.add("cleanup"));
        var e = assertThrows(IllegalStateException.class, body::close);
        assertEquals("body close failed", e.getMessage());
        assertEquals(List.of("body", "cleanup"), order);
    }
}
