package dev.gatewaybridge.config;

import dev.gatewaybridge.api.ClosestName;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters one reader owns: every name under {@code prefix} ({@code fastcgi.}), or, for the servlet's
 * own namespace (prefix {@code ""}), every name without a dot (dotted names belong to bridges and
 * middleware). An owned name that is not declared fails at init, naming the closest declared one.
 *
 * @param prefix   {@code cgi.}, {@code fastcgi.}, ... or {@code ""} for the servlet's top-level params
 * @param title    a few words for the reference (docs/parameters.md)
 * @param settings the declared parameters, each name once
 */
public record Namespace(String prefix, String title, List<Setting<?>> settings) {

    public Namespace {
        settings = List.copyOf(settings);
        Set<String> seen = new HashSet<>();
        for (Setting<?> s : settings) {
            if (!seen.add(s.name())) {
                throw new IllegalArgumentException("declared twice in " + prefix + ": " + s.name());
            }
        }
    }

    /** A namespace of the settings of {@code groups}, in order (groups shared by several bridges). */
    @SafeVarargs
    public static Namespace of(String prefix, String title, List<? extends Setting<?>>... groups) {
        List<Setting<?>> all = new ArrayList<>();
        for (List<? extends Setting<?>> g : groups) {
            all.addAll(g);
        }
        return new Namespace(prefix, title, all);
    }

    /** The same settings under another prefix ({@code fastcgiAuthorizer.}). */
    public Namespace withPrefix(String other) {
        return new Namespace(other, title, settings);
    }

    /** Whether {@code key} is a name this namespace answers for. */
    public boolean owns(String key) {
        return prefix.isEmpty() ? key.indexOf('.') < 0 : key.startsWith(prefix);
    }

    /** Whether this is the servlet's own namespace (its messages say "init-param 'x'"). */
    public boolean topLevel() {
        return prefix.isEmpty();
    }

    /** The declared names, prefix included, in declaration order. */
    public List<String> names() {
        return settings.stream().map(s -> prefix + s.name()).toList();
    }

    /** The setting declared as {@code fullName} (prefix included). */
    public Optional<Setting<?>> find(String fullName) {
        return settings.stream().filter(s -> (prefix + s.name()).equals(fullName)).findFirst();
    }

    /**
     * Fails on the first of {@code keys} this namespace owns but does not declare, naming it and the closest
     * declared name: a misspelt parameter would otherwise be ignored.
     */
    public void rejectUnknown(Collection<String> keys) {
        List<String> known = names();
        for (String key : keys.stream().sorted().toList()) {
            if (owns(key) && !known.contains(key)) {
                throw new IllegalArgumentException(topLevel()
                        ? "unknown init-param '" + key + "'" + ClosestName.hint(key, known) + " (known: "
                                + String.join(", ", known) + "; names with a dot belong to bridges and middleware)"
                        : "unknown parameter " + key + ClosestName.hint(key, known) + " (known: "
                                + String.join(", ", known) + ")");
            }
        }
    }
}
