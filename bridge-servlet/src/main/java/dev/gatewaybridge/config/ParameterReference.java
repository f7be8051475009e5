package dev.gatewaybridge.config;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter reference generated from the declarations: one Markdown table (name, type, default, doc) per
 * group of {@link Setting}s, written between the markers {@code <!-- params: KEY -->} and
 * {@code <!-- /params: KEY -->} of a document (docs/parameters.md); everything outside the markers is
 * hand-written and left as it is.
 */
public final class ParameterReference {

    /** Defaults that are words, not values to type: shown as they are, not as code. */
    private static final Set<String> PROSE = Set.of("none", "any", "required");

    private ParameterReference() {
    }

    /** The table of {@code settings}, each named {@code prefix + name}. */
    public static String table(String prefix, List<? extends Setting<?>> settings) {
        StringBuilder out = new StringBuilder("| Parameter | Type | Default | What it does |\n|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            out.append("| `").append(prefix).append(s.name()).append("` | ").append(cell(s.type())).append(" | ")
                    .append(defaultCell(s.defaultText())).append(" | ").append(cell(s.doc())).append(" |\n");
        }
        return out.toString();
    }

    /** {@code document} with the text between the markers of {@code key} replaced by {@code body}. */
    public static String replace(String document, String key, String body) {
        String open = "<!-- params: " + key + " -->";
        String close = "<!-- /params: " + key + " -->";
        Matcher m = Pattern.compile(Pattern.quote(open) + "\\n.*?" + Pattern.quote(close), Pattern.DOTALL)
                .matcher(document);
        if (!m.find()) {
            throw new IllegalArgumentException("no markers " + open + " ... " + close + " in the document");
        }
        return document.substring(0, m.start()) + open + "\n" + body + close + document.substring(m.end());
    }

    private static String defaultCell(String text) {
        boolean value = !PROSE.contains(text) && !text.contains(" ") && !text.contains("'");
        return value ? "`" + text.replace("|", "\\|") + "`" : cell(text);
    }

    /** A table cell: a '|' would end it. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
