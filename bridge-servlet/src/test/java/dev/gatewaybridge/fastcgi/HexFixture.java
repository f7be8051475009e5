package dev.gatewaybridge.fastcgi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A wire fixture written as readable text: hex byte groups ({@code 01 06 0001 000d 03 00}), quoted text
 * with {@code \r \n \t \\ \" \0} escapes and an optional repeat ({@code "x"*130}), and comments. Lines
 * starting {@code #>} are the expected parser transcript, {@code #!} the expected fault message fragment,
 * any other {@code #} line is a comment.
 */
record HexFixture(String name, byte[] bytes, List<String> transcript, String fault) {

    static HexFixture load(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> transcript = new ArrayList<>();
        String fault = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.startsWith("#>")) {
                transcript.add(t.substring(2).strip());
            } else if (t.startsWith("#!")) {
                fault = t.substring(2).strip();
            } else if (!t.startsWith("#")) {
                parseLine(t, out, file);
            }
        }
        return new HexFixture(file.getFileName().toString(), out.toByteArray(), transcript, fault);
    }

    private static void parseLine(String line, ByteArrayOutputStream out, Path file) {
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                return; // trailing comment
            } else if (c == '"') {
                i = quoted(line, i + 1, out);
            } else {
                int end = i;
                while (end < line.length() && Character.digit(line.charAt(end), 16) >= 0) {
                    end++;
                }
                if (end == i || (end - i) % 2 != 0) {
                    throw new IllegalArgumentException(file + ": bad hex group at: " + line.substring(i));
                }
                for (int k = i; k < end; k += 2) {
                    out.write(Integer.parseInt(line.substring(k, k + 2), 16));
                }
                i = end;
            }
        }
    }

    private static int quoted(String line, int i, ByteArrayOutputStream out) {
        StringBuilder text = new StringBuilder();
        while (line.charAt(i) != '"') {
            char c = line.charAt(i++);
            if (c == '\\') {
                char e = line.charAt(i++);
                text.append(switch (e) {
                    case 'r' -> '\r';
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case '0' -> '\0';
                    default -> e;
                });
            } else {
                text.append(c);
            }
        }
        i++;
        int repeat = 1;
        if (i < line.length() && line.charAt(i) == '*') {
            int end = ++i;
            while (end < line.length() && Character.isDigit(line.charAt(end))) {
                end++;
            }
            repeat = Integer.parseInt(line.substring(i, end));
            i = end;
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (int r = 0; r < repeat; r++) {
            out.writeBytes(bytes);
        }
        return i;
    }
}
