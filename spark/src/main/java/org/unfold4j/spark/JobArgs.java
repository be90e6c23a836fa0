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

    /** {@return option {@code name} (or {@code otherwise}) as a comma-separated list of integers, such as a kernel {@code 4,16,16}} */
    int[] integers(String name, String otherwise) {
        String value = get(name, otherwise);
        String[] parts = value.split(",", -1);
        int[] v = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be an integer or a comma-separated list of them, but got '"
                        + value + "'");
            }
        }
        return v;
    }

    /** {@return option {@code name} as one integer per dimension: a list of {@code rank} values, or one for every dimension} */
    int[] each(String name, String otherwise, int rank) {
        int[] v = integers(name, otherwise);
        if (v.length == 1) {
            int[] all = new int[rank];
            java.util.Arrays.fill(all, v[0]);
            return all;
        }
        if (v.length != rank) {
            throw new IllegalArgumentException("--" + name + " must give one value or " + rank + " (one per dimension of the "
                    + "kernel), but got " + v.length + ": '" + get(name, otherwise) + "'");
        }
        return v;
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
