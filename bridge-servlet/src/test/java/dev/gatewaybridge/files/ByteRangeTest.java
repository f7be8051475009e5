package dev.gatewaybridge.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Range (RFC 9110 §14) and validator (§8.8, §13.1) parsing, in process. */
class ByteRangeTest {

    @Test
    void rangesAreReadAsRfc9110Says() {
        assertEquals(new ByteRange.Part(0, 99), ByteRange.of("bytes=0-99", 1000));
        assertEquals(new ByteRange.Part(990, 999), ByteRange.of("bytes=-10", 1000));
        assertEquals(new ByteRange.Part(0, 999), ByteRange.of("bytes=-5000", 1000));
        assertEquals(new ByteRange.Part(500, 999), ByteRange.of("BYTES = 500-", 1000));
        assertEquals(new ByteRange.Part(5, 999), ByteRange.of("bytes=5-99999999999999999999999", 1000));
        assertEquals(new ByteRange.Part(5, 6), ByteRange.of("bytes=, 5-6 ,", 1000));
        assertEquals(new ByteRange.Part(5, 6), ByteRange.of("bytes=2000-3000, 5-6", 1000));
        assertTrue(ByteRange.of("bytes=1000-", 1000) instanceof ByteRange.Unsatisfiable);
        assertTrue(ByteRange.of("bytes=-0", 1000) instanceof ByteRange.Unsatisfiable);
        assertTrue(ByteRange.of("bytes=0-", 0) instanceof ByteRange.Unsatisfiable);
        for (String ignored : new String[] {"bytes=0-1,3-4", "bytes=9-3", "bytes=a-b", "items=0-1", "bytes=",
                "bytes=5", "bytes=-", "bytes=+1-2"}) {
            assertTrue(ByteRange.of(ignored, 1000) instanceof ByteRange.Full, ignored);
        }
    }

    @Test
    void datesInTheThreeHttpFormatsAndEntityTagListsAreRead() {
        Instant t = Instant.parse("1994-11-06T08:49:37Z");
        assertEquals(t, Validators.parseDate("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(t, Validators.parseDate("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(t, Validators.parseDate("Sun Nov  6 08:49:37 1994"));
        assertNull(Validators.parseDate("yesterday"));
        Validators v = Validators.of(Instant.ofEpochMilli(1500), 3);
        assertEquals("\"5dc-3\"", v.etag());
        assertEquals("Thu, 01 Jan 1970 00:00:01 GMT", v.lastModifiedText());
        assertTrue(v.matches("\"a,b\", W/\"5dc-3\"", false));
        assertFalse(v.matches("W/\"5dc-3\"", true));
        assertTrue(v.matches(" * ", true));
        assertFalse(v.matches("5dc-3", false));
    }
}
