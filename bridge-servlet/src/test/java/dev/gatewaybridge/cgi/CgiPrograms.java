package dev.gatewaybridge.cgi;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/** Real CGI programs the tests run: a CgiRunner wrapper, a wsgiref app, PHP and Perl scripts. */
final class CgiPrograms {

    private CgiPrograms() {
    }

    /** A shell wrapper that runs {@link RunnerDemoApp} through {@link CgiRunner} on this JVM and classpath. */
    static Path runnerScript(Path dir, String name) throws IOException {
        return runnerScript(dir, name, classpath());
    }

    /**
     * The same, on a copy of the classes inside {@code copyTo}: a server running CGI as another user
     * (Apache as www-data) may not read the build directory.
     */
    static Path runnerScriptWithCopiedClasses(Path dir, String name, Path copyTo) throws IOException {
        StringBuilder cp = new StringBuilder();
        int i = 0;
        for (String entry : classpath().split(File.pathSeparator)) {
            Path source = Path.of(entry);
            Path target = copyTo.resolve("cp" + i++);
            try (var files = java.nio.file.Files.walk(source)) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.copy(f, target.resolve(source.relativize(f).toString()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            cp.append(cp.length() == 0 ? "" : File.pathSeparator).append(target);
        }
        return runnerScript(dir, name, cp.toString());
    }

    private static Path runnerScript(Path dir, String name, String cp) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return CgiHarness.script(dir, name, "#!/bin/sh\nLANG=C.UTF-8 exec '" + java + "' -Xshare:auto -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
                + " -XX:+UseSerialGC -cp '" + cp + "' dev.gatewaybridge.cgi.CgiRunner dev.gatewaybridge.cgi.RunnerDemoApp\n");
    }

    /** The test classpath: target/classes and target/test-classes are enough for the runner and the app. */
    static String classpath() {
        Path classes = Path.of(CgiRunner.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path testClasses = Path.of(RunnerDemoApp.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        return classes + File.pathSeparator + testClasses;
    }

    /** A PEP 3333 application run by wsgiref.handlers.CGIHandler, wrapped in wsgiref.validate. */
    static Path wsgirefScript(Path dir, String name) throws IOException {
        return CgiHarness.script(dir, name, """
                #!/usr/bin/python3
                from wsgiref.handlers import CGIHandler
                from wsgiref.validate import validator

                def app(environ, start_response):
                    length = int(environ.get('CONTENT_LENGTH') or 0)
                    data = environ['wsgi.input'].read(length) if length else b''
                    out = ('%s %s %s %s|%s' % (environ['REQUEST_METHOD'], environ['SCRIPT_NAME'],
                           environ.get('PATH_INFO', ''), environ['QUERY_STRING'], data.decode())).encode()
                    environ['wsgi.errors'].write('wsgiref app logged\\n')
                    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(out)))])
                    return [out]

                CGIHandler().run(validator(app))
                """);
    }

    static Path phpScript(Path dir, String name) throws IOException {
        return CgiHarness.script(dir, name, """
                <?php
                header('X-Php: yes');
                if (isset($_GET['go'])) { header('Location: http://example.com/' . $_GET['go']); exit; }
                echo 'php ', $_SERVER['REQUEST_METHOD'], ' ', $_SERVER['SCRIPT_NAME'], ' ', $_SERVER['PATH_INFO'] ?? '-',
                     ' name=', $_POST['name'] ?? $_GET['name'] ?? '-';
                """);
    }
}
