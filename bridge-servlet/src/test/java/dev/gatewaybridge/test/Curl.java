package dev.gatewaybridge.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code curl} binary as the client: its range ({@code -r}), conditional ({@code -z},
 * {@code --etag-compare}) and HEAD ({@code -I}) requests are what users and download tools send.
 */
public final class Curl {

    /** A response as curl saw it: the final status, its header lines, the body bytes. */
    public record Result(int status, List<String[]> headers, byte[] body) {

        /** The first value of header {@code name} (case-insensitive), or null. */
        public String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Curl() {
    }

    /** Runs {@code curl -sS} with {@code args} in {@code work} (for --etag-save files and the like). */
    public static Result run(Path work, String... args) {
        Path curl = Peers.require("curl");
        try {
            Files.createDirectories(work);
            Path head = Files.createTempFile(work, "head", ".txt");
            Path body = Files.createTempFile(work, "body", ".bin");
            List<String> cmd = new ArrayList<>(List.of(curl.toString(), "-sS", "--max-time", "10",
                    "-D", head.toString(), "-o", body.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("curl " + String.join(" ", args) + " failed: " + out);
            }
            return parse(Files.readString(head, StandardCharsets.ISO_8859_1), Files.readAllBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The last header block of a -D dump (earlier ones are 1xx or redirects). */
    private static Result parse(String dump, byte[] body) {
        int status = 0;
        List<String[]> headers = new ArrayList<>();
        for (String line : dump.split("\r?\n")) {
            if (line.startsWith("HTTP/")) {
                status = Integer.parseInt(line.split(" ")[1]);
                headers = new ArrayList<>();
            } else if (line.indexOf(':') > 0) {
                int c = line.indexOf(':');
                headers.add(new String[] {line.substring(0, c).trim(), line.substring(c + 1).trim()});
            }
        }
        return new Result(status, headers, body);
    }

}
