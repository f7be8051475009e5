package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.gatewaybridge.api.HeaderRules;

/**
 * A listener that accepts every known record and writes what it saw as text lines, one per record, for
 * comparing against a fixture's {@code #>} lines. Consecutive content records of one stream are joined;
 * FCGI_PARAMS are decoded into pairs at the end of their stream.
 */
final class Transcript implements RecordListener {

    final List<String> lines = new ArrayList<>();
    private final Map<String, ByteArrayOutputStream> streams = new HashMap<>();

    @Override
    public void onBeginRequest(int requestId, int role, boolean keepConn) {
        lines.add("BEGIN_REQUEST " + requestId + " role=" + role + (keepConn ? " keep" : ""));
    }

    @Override
    public void onAbortRequest(int requestId) {
        lines.add("ABORT_REQUEST " + requestId);
    }

    @Override
    public void onEndRequest(int requestId, int appStatus, int protocolStatus) {
        lines.add("END_REQUEST " + requestId + " app=" + appStatus + " " + protocolStatusName(protocolStatus));
    }

    @Override
    public void onStream(int type, int requestId, byte[] b, int off, int len) {
        String name = typeName(type).substring("FCGI_".length());
        ByteArrayOutputStream data = streams.computeIfAbsent(name + " " + requestId, k -> new ByteArrayOutputStream());
        if (len > 0) {
            data.write(b, off, len);
            return;
        }
        streams.remove(name + " " + requestId);
        if (type == FCGI_PARAMS) {
            for (var pair : NameValues.decode(data.toByteArray(), 0, data.size())) {
                lines.add("PARAMS " + requestId + " " + pair.name(StandardCharsets.ISO_8859_1) + "="
                        + render(pair.value(StandardCharsets.ISO_8859_1)));
            }
        } else if (data.size() > 0) {
            lines.add(name + " " + requestId + " "
                    + render(data.toString(StandardCharsets.ISO_8859_1)));
        }
        lines.add(name + " " + requestId + " end");
    }

    @Override
    public void onGetValues(List<NameValues.Pair> names) {
        lines.add("GET_VALUES " + names.stream().map(p -> p.name(StandardCharsets.US_ASCII))
                .collect(Collectors.joining(",")));
    }

    @Override
    public void onGetValuesResult(List<NameValues.Pair> values) {
        lines.add("GET_VALUES_RESULT " + values.stream().map(p -> p.name(StandardCharsets.US_ASCII) + "="
                + p.value(StandardCharsets.US_ASCII)).collect(Collectors.joining(",")));
    }

    @Override
    public void onUnknownType(int type) {
        lines.add("UNKNOWN_TYPE " + type);
    }

    /** Short text quoted; long text as its length, so fixtures stay readable. */
    static String render(String text) {
        return text.length() > 64 ? "<" + text.length() + " bytes>" : HeaderRules.quote(text);
    }
}
