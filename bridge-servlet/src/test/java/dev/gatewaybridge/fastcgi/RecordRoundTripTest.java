package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.upstream.Param;

/** What the writer writes, the parser reads back: every record type, lengths, splitting and padding. */
class RecordRoundTripTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ApplicationRecordWriter writer = new ApplicationRecordWriter(bytes);

    private List<String> parsed() {
        Transcript transcript = new Transcript();
        RecordParser parser = new RecordParser(transcript);
        parser.feed(bytes.toByteArray(), 0, bytes.size());
        parser.finish();
        return transcript.lines;
    }

    @Test
    void requestRecordsRoundTrip() throws IOException {
        writer.beginRequest(7, FCGI_RESPONDER, true);
        writer.params(7, List.of(new Param("REQUEST_METHOD", "POST"), new Param("EMPTY", "")));
        writer.stream(FCGI_STDIN, 7, "a=1".getBytes(), 0, 3);
        writer.endStream(FCGI_STDIN, 7);
        writer.abortRequest(7);
        assertEquals(List.of("BEGIN_REQUEST 7 role=1 keep", "PARAMS 7 REQUEST_METHOD=\"POST\"", "PARAMS 7 EMPTY=\"\"",
                "PARAMS 7 end", "STDIN 7 \"a=1\"", "STDIN 7 end", "ABORT_REQUEST 7"), parsed());
    }

    @Test
    void responseAndManagementRecordsRoundTrip() throws IOException {
        writer.stream(FCGI_STDOUT, 65535, "out".getBytes(), 0, 3);
        writer.endStream(FCGI_STDOUT, 65535);
        writer.endRequest(65535, -1, FCGI_OVERLOADED);
        writer.getValues(List.of(FCGI_MAX_CONNS, FCGI_MPXS_CONNS));
        writer.getValuesResult(Map.of(FCGI_MAX_REQS, "5"));
        writer.unknownType(200);
        assertEquals(List.of("STDOUT 65535 \"out\"", "STDOUT 65535 end", "END_REQUEST 65535 app=-1 FCGI_OVERLOADED",
                "GET_VALUES FCGI_MAX_CONNS,FCGI_MPXS_CONNS", "GET_VALUES_RESULT FCGI_MAX_REQS=5", "UNKNOWN_TYPE 200"),
                parsed());
    }

    @Test
    void everyRecordIsPaddedToAMultipleOfEight() throws IOException {
        for (int len = 0; len <= 17; len++) {
            bytes.reset();
            writer.stream(FCGI_STDOUT, 1, new byte[len], 0, len);
            assertEquals(0, bytes.size() % 8, "content " + len);
            assertEquals(len == 0 ? 0 : 8 + ((len + 7) / 8) * 8, bytes.size(), "content " + len);
        }
    }

    @Test
    void contentLongerThan65535IsSplitIntoRecordsAndReassembled() throws IOException {
        byte[] big = new byte[65535 * 2 + 10];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        writer.stream(FCGI_STDIN, 1, big, 0, big.length);
        writer.endStream(FCGI_STDIN, 1);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int[] records = {0};
        RecordParser parser = new RecordParser(new RecordListener() {
            @Override
            public void onStream(int type, int requestId, byte[] b, int off, int len) {
                assertTrue(len <= 65535);
                records[0]++;
                got.write(b, off, len);
            }
        });
        parser.feed(bytes.toByteArray(), 0, bytes.size());
        parser.finish();
        assertEquals(4, records[0], "3 content records and the end of stream");
        assertArrayEquals(big, got.toByteArray());
    }

    @Test
    void nameValueLengthsUseOneByteBelow128AndFourBytesFrom128() {
        for (int len : new int[] {0, 1, 127, 128, 129, 65535, 65536, 1 << 20}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            NameValues.encode(out, "N".repeat(len).getBytes(), "v".getBytes());
            int header = (len < 128 ? 1 : 4) + 1;
            assertEquals(header + len + 1, out.size(), "name length " + len);
            List<NameValues.Pair> pairs = NameValues.decode(out.toByteArray(), 0, out.size());
            assertEquals(1, pairs.size());
            assertEquals(len, pairs.get(0).name().length);
            assertEquals("v", pairs.get(0).value(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void paramsLongerThanOneRecordSpanSeveralAndDecodeWhole() throws IOException {
        writer.params(3, List.of(new Param("HTTP_COOKIE", "c".repeat(100_000)), new Param("QUERY_STRING", "q")));
        assertEquals(List.of("PARAMS 3 HTTP_COOKIE=<100000 bytes>", "PARAMS 3 QUERY_STRING=\"q\"", "PARAMS 3 end"),
                parsed());
    }

    @Test
    void aFailedParserStaysFailed() {
        RecordParser parser = new RecordParser(new Transcript());
        byte[] bad = {2, 6, 0, 1, 0, 0, 0, 0};
        assertThrows(FastCgiProtocolException.class, () -> parser.feed(bad, 0, bad.length));
        byte[] good = {1, 6, 0, 1, 0, 0, 0, 0};
        assertThrows(FastCgiProtocolException.class, () -> parser.feed(good, 0, good.length));
    }
}
