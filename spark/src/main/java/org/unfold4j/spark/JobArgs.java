package org.unfold4j.spark;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code --name value} options of the jobs ({@link PatchesJob}, {@link InferJob}): every
 * option must be one the job knows, given once, with a value; numbers are parsed here, so a bad
 * one is an {@link IllegalArgumentException} naming the option and the value before Spark starts.
 */
final class JobArgs {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final String usage;

    JobArgs(String[] args, Set<String> known, String usage) {
        this.usage = usage;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, but got '" + a + "'" + (i + 1 >= args.length
                        && a.startsWith("--") ? " without a value" : "") + "; usage: " + usage);
            }
            String name = a.substring(2).toLowerCase(Locale.ROOT);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; the options are --"
                        + String.join(", --", new TreeSet<>(known)) + "; usage: " + usage);
            }
            if (values.put(name, args[++i]) != null) {
                throw new IllegalArgumentException("--" + name + " is given twice");
            }
        }
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required; usage: " + usage);
        }
        return v;
    }

    int integer(String name, String otherwise) {
        return parsed(name, otherwise, Integer::parseInt, "an integer");
    }

    double real(String name, String otherwise) {
        return parsed(name, otherwise, Double::parseDouble, "a number");
    }

    private <T> T parsed(String name, String otherwise, java.util.function.Function<String, T> parse, String what) {
        String v = get(name, otherwise);
        try {
            return parse.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be " + what + ", but got '" + v + "'");
        }
    }
}
