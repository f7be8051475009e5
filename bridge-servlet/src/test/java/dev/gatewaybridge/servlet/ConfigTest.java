package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** init-params: the application and middleware classes, flags, failing fast, closing at destroy. */
class ConfigTest {

    /** An application made by name, with the Map constructor. */
    public static final class Greeter implements GatewayApplication, AutoCloseable {
        static final AtomicInteger CLOSED = new AtomicInteger();
        private final String greeting;

        public Greeter(Map<String, String> params) {
            greeting = params.getOrDefault("greeter.word", "hello");
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, dev.gatewaybridge.api.StartResponse start) {
            start.start("200 OK", List.of(Header.of("X-Trail", "app")));
            return Bodies.of(greeting);
        }

        @Override
        public void close() {
            CLOSED.incrementAndGet();
        }
    }

    /** A middleware that records its place in the X-Trail header. */
    public static class Tagger implements GatewayApplication {
        private final GatewayApplication next;
        private final String tag;

        public Tagger(GatewayApplication next) {
            this(next, "tagger");
        }

        Tagger(GatewayApplication next, String tag) {
            this.next = next;
            this.tag = tag;
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, dev.gatewaybridge.api.StartResponse start)
                throws Exception {
            return next.call(environ, (status, headers, exc) -> {
                List<Header> tagged = new ArrayList<>();
                for (Header h : headers) {
                    tagged.add(h.is("X-Trail") ? Header.of("X-Trail", tag + ">" + h.value()) : h);
                }
                return start.start(status, tagged, exc);
            });
        }
    }

    /** A second middleware, with the params constructor. */
    public static final class Outer extends Tagger {
        public Outer(GatewayApplication next, Map<String, String> params) {
            super(next, params.getOrDefault("outer.tag", "outer"));
        }
    }

    /** Not an application at all. */
    public static final class NotAnApp {
    }

    private static ServletContainer byName(Map<String, String> params) {
        return ServletContainer.start(Kind.JETTY, null, "", "/*", params);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theApplicationAndMiddlewareAreMadeByNameFirstListedOutermost(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", Map.of(
                "application", Greeter.class.getName(), "greeter.word", "bonjour",
                "middleware", Outer.class.getName() + ",\n " + Tagger.class.getName(), "outer.tag", "o"))) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals("bonjour", r.text());
            assertEquals("o>tagger>app", r.header("X-Trail"));
        }
    }

    @Test
    void destroyClosesTheApplication() {
        int before = Greeter.CLOSED.get();
        try (ServletContainer c = byName(Map.of("application", Greeter.class.getName()))) {
            assertEquals("hello", RawHttp.get(c.port(), "/").text());
        }
        assertEquals(before + 1, Greeter.CLOSED.get());
    }

    @Test
    void aMissingApplicationParamFailsInitNamingIt() {
        var e = assertThrows(IllegalStateException.class, () -> byName(Map.of()));
        assertTrue(causes(e).contains("init-param 'application' is missing"), causes(e));
    }

    @Test
    void anUnknownApplicationClassFailsInitNamingParamAndValue() {
        var e = assertThrows(IllegalStateException.class, () -> byName(Map.of("application", "com.example.Nope")));
        assertTrue(causes(e).contains("init-param 'application': class not found: com.example.Nope"), causes(e));
    }

    @Test
    void aClassThatIsNotAnApplicationFailsInit() {
        var e = assertThrows(IllegalStateException.class, () -> byName(Map.of("application", NotAnApp.class.getName())));
        assertTrue(causes(e).contains("does not implement dev.gatewaybridge.api.GatewayApplication"), causes(e));
    }

    @Test
    void aBadMiddlewareClassFailsInitNamingTheParam() {
        var e = assertThrows(IllegalStateException.class, () -> byName(Map.of(
                "application", Greeter.class.getName(), "middleware", "com.example.Missing")));
        assertTrue(causes(e).contains("init-param 'middleware': class not found: com.example.Missing"), causes(e));
    }

    @Test
    void aBadBooleanFailsInitNamingParamAndValue() {
        var e = assertThrows(IllegalStateException.class, () -> byName(Map.of(
                "application", Greeter.class.getName(), "multithread", "yes")));
        assertTrue(causes(e).contains("init-param 'multithread' must be true or false, not \"yes\""), causes(e));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void multithreadFalseSerializesCalls(Kind kind) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        GatewayApplication slow = (env, start) -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            Thread.sleep(50);
            inside.decrementAndGet();
            start.start("200 OK", Apps.TEXT);
            return Bodies.of("ok");
        };
        try (ServletContainer c = ServletContainer.start(kind, slow, "", "/*", Map.of("multithread", "false"))) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<RawHttp.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                answers.add(pool.submit(() -> RawHttp.get(c.port(), "/")));
            }
            for (var answer : answers) {
                assertEquals("ok", answer.get().text());
            }
            pool.shutdown();
        }
        assertEquals(1, most.get(), "at most one call at a time");
    }

    private static String causes(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" / ");
        }
        return all.toString();
    }
}
