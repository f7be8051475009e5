package dev.gatewaybridge.scgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.UwsgiRig;

/** A Django site (minimal settings, CSRF middleware on) in a real uWSGI, over SCGI, behind the servlet. */
class ScgiDjangoTest {

    static final String SETTINGS = """
            SECRET_KEY = "gateway-bridge-test-only"
            DEBUG = False
            ALLOWED_HOSTS = ["*"]
            ROOT_URLCONF = "site_test.urls"
            INSTALLED_APPS = []
            MIDDLEWARE = [
                "django.middleware.common.CommonMiddleware",
                "django.middleware.csrf.CsrfViewMiddleware",
            ]
            DATABASES = {}
            USE_TZ = True
            APPEND_SLASH = True
            """;

    static final String URLS = """
            from django.http import HttpResponse, HttpResponseRedirect
            from django.middleware.csrf import get_token
            from django.urls import path

            def form(request):
                if request.method == "POST":
                    return HttpResponse("thanks " + request.POST["name"] + " via " + request.path)
                token = get_token(request)
                return HttpResponse('<form method="post" action="%s">'
                                    '<input type="hidden" name="csrfmiddlewaretoken" value="%s">'
                                    '<input name="name"></form>' % (request.path, token))

            def home(request):
                return HttpResponseRedirect("form/")

            urlpatterns = [path("", home), path("form/", form)]
            """;

    static final String WSGI = """
            import os
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_test.settings")
            from django.core.wsgi import get_wsgi_application
            application = get_wsgi_application()
            """;

    static UwsgiRig uwsgi;
    static ServletContainer jetty;
    static final Pattern TOKEN = Pattern.compile("name=\"csrfmiddlewaretoken\" value=\"([^\"]+)\"");

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("scgi-django");
        uwsgi = UwsgiRig.start(dir, UwsgiRig.Protocol.SCGI, Map.of("site_test/__init__.py", "",
                "site_test/settings.py", SETTINGS, "site_test/urls.py", URLS, "wsgi.py", WSGI), "wsgi.py");
        jetty = ServletContainer.start(ServletContainer.Kind.JETTY,
                ScgiApplication.builder().backends(uwsgi.unixAddress()).build(), "/site", "/*", Map.of());
    }

    @AfterAll
    static void stop() {
        if (jetty != null) {
            jetty.close();
        }
        if (uwsgi != null) {
            uwsgi.close();
        }
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpRequest post(String path, String form) {
        return HttpRequest.newBuilder(jetty.uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }

    @Test
    void aFormPostWithTheCsrfCookieAndTokenIsAccepted() throws Exception {
        HttpClient client = client();
        var page = client.send(HttpRequest.newBuilder(jetty.uri("/site/form/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("csrftoken=")),
                page.headers().toString());
        Matcher m = TOKEN.matcher(page.body());
        assertTrue(m.find(), page.body());
        assertTrue(page.body().contains("action=\"/site/form/\""), "Django sees the mount: " + page.body());
        var done = client.send(post("/site/form/", "csrfmiddlewaretoken=" + m.group(1) + "&name=Ada"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, done.statusCode(), done.body());
        assertEquals("thanks Ada via /site/form/", done.body());
    }

    @Test
    void aFormPostWithoutTheCsrfTokenIsRefusedByDjango() throws Exception {
        var r = client().send(post("/site/form/", "name=Mallory"), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode());
    }

    @Test
    void djangoRedirectsAreRelativeToTheMount() throws Exception {
        var r = client().send(HttpRequest.newBuilder(jetty.uri("/site/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, r.statusCode());
        assertEquals("form/", r.headers().firstValue("Location").orElse(null));
        var slash = client().send(HttpRequest.newBuilder(jetty.uri("/site/form")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(301, slash.statusCode(), "CommonMiddleware APPEND_SLASH");
        assertEquals("/site/form/", slash.headers().firstValue("Location").orElse(null));
    }
}
