package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;

/** The AUTHORIZER role as middleware, with php-fpm as the authorizer (PHP sees FCGI_ROLE=AUTHORIZER). */
class FastCgiAuthorizerTest {

    @TempDir
    Path dir;

    /** The protected application: says who the authorizer let in. */
    private static final GatewayApplication INNER = (environ, start) -> {
        start.start("200 OK", java.util.List.of(Header.of("Content-Type", "text/plain")));
        return Bodies.of("inner sees " + environ.get("REMOTE_USER") + " in " + environ.get("AUTH_REALM"));
    };

    private FastCgiAuthorizer authorizer(PhpFpm fpm) {
        return new FastCgiAuthorizer(INNER, Map.of(
                FastCgiAuthorizer.PREFIX + "backends", fpm.backend(),
                FastCgiAuthorizer.PREFIX + "maxConnections", "1",
                FastCgiAuthorizer.PREFIX + "params", "SCRIPT_FILENAME=" + fpm.docroot.resolve("auth.php")));
    }

    private PhpFpm fpm() throws Exception {
        return PhpFpm.tcp(dir, "static", 1).page("auth.php", """
                <?php
                if ($_SERVER['FCGI_ROLE'] !== 'AUTHORIZER' || isset($_SERVER['CONTENT_LENGTH'])) {
                    http_response_code(500); echo 'wrong role'; exit;
                }
                if (($_SERVER['HTTP_AUTHORIZATION'] ?? '') === 'Bearer good') {
                    header('Variable-REMOTE_USER: alice');
                    header('Variable-AUTH_REALM: staff');
                } else {
                    http_response_code(401);
                    header('WWW-Authenticate: Bearer realm="staff"');
                    echo 'who are you?';
                }
                """).start();
    }

    @Test
    void authorizedRequestReachesTheApplicationWithTheVariables() throws Exception {
        try (PhpFpm fpm = fpm(); FastCgiAuthorizer app = authorizer(fpm)) {
            Call c = Call.of("POST", "/private").header("Authorization", "Bearer good")
                    .body("text/plain", "body stays for the app".getBytes()).run(app);
            assertEquals(200, c.code());
            assertEquals("inner sees alice in staff", c.text());
        }
    }

    @Test
    void refusedRequestGetsTheAuthorizersResponseAndNeverReachesTheApplication() throws Exception {
        try (PhpFpm fpm = fpm(); FastCgiAuthorizer app = authorizer(fpm)) {
            Call c = Call.of("GET", "/private").header("Authorization", "Bearer bad").run(app);
            assertEquals(401, c.code());
            assertEquals("Bearer realm=\"staff\"", c.header("WWW-Authenticate"));
            assertEquals("who are you?", c.text());
        }
    }

    @Test
    void authorizerParamsFailNamingTheirPrefix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FastCgiAuthorizer(INNER, Map.of()));
        assertTrue(e.getMessage().contains("fastcgiAuthorizer.backends"), e.getMessage());
    }
}
