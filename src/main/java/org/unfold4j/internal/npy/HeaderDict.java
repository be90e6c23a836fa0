package org.unfold4j.internal.npy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unfold4j.Npy;

/**
 * The header's dict literal, parsed: the part of Python's literal syntax that NumPy writes and
 * reads back with {@code ast.literal_eval}. Values are strings ({@code '<f4'} or {@code "<f4"}),
 * {@code True} / {@code False}, and tuples of non-negative integers ({@code ()}, {@code (3,)},
 * {@code (3, 4)}; Python 2's {@code 3L} too). A list (a structured type's fields) is refused by
 * name. Nothing is evaluated.
 */
final class HeaderDict {
    private final String text;
    private final Path file;
    private int at;

    private HeaderDict(String text, Path file) {
        this.text = text;
        this.file = file;
    }

    /**
     * The keys and values of {@code text} ({@code String}, {@code Boolean} or {@code long[]}), in order.
     *
     * @throws Npy.FormatException naming {@code file} and the column, if {@code text} is not such a dict
     */
    static Map<String, Object> parse(String text, Path file) throws Npy.FormatException {
        HeaderDict p = new HeaderDict(text, file);
        Map<String, Object> dict = p.dict();
        p.space();
        if (p.at != text.length()) {
            throw p.error("nothing after the dict's '}'");
        }
        return dict;
    }

    private Map<String, Object> dict() throws Npy.FormatException {
        expect('{');
        Map<String, Object> d = new LinkedHashMap<>();
        while (!peek('}')) {
            int keyAt = at;
            String key = string();
            expect(':');
            Object value = value(key);
            if (d.put(key, value) != null) {
                at = keyAt;
                throw error("the key '" + key + "' twice");
            }
            if (!peek('}')) {
                expect(',');
            }
        }
        expect('}');
        return d;
    }

    private Object value(String key) throws Npy.FormatException {
        space();
        if (at < text.length()) {
            char c = text.charAt(at);
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '[') {
                throw error("a list for '" + key + "' (a structured type, with named fields), which unfold4j does not read");
            }
            for (String word : new String[] {"True", "False"}) {
                if (text.startsWith(word, at)) {
                    at += word.length();
                    return word.equals("True");
                }
            }
        }
        throw error("a string, True, False or a tuple as the value of '" + key + "'");
    }

    private long[] tuple() throws Npy.FormatException {
        expect('(');
        List<Long> items = new ArrayList<>();
        boolean comma = false;
        while (!peek(')')) {
            items.add(integer());
            comma = false;
            if (!peek(')')) {
                expect(',');
                comma = true;
            }
        }
        if (items.size() == 1 && !comma) {
            throw error("a tuple: (n) is a number in Python, a 1-tuple is (n,)");
        }
        expect(')');
        return items.stream().mapToLong(Long::longValue).toArray();
    }

    private long integer() throws Npy.FormatException {
        space();
        int start = at;
        while (at < text.length() && Character.isDigit(text.charAt(at)) && text.charAt(at) < 128) {
            at++;
        }
        if (start == at) {
            throw error("a non-negative integer");
        }
        long v;
        try {
            v = Long.parseLong(text.substring(start, at));
        } catch (NumberFormatException e) {
            at = start;
            throw error("an integer that fits in 64 bits");
        }
        if (at < text.length() && (text.charAt(at) == 'L' || text.charAt(at) == 'l')) {
            at++; // Python 2's long literal, in files NumPy wrote under Python 2
        }
        return v;
    }

    private String string() throws Npy.FormatException {
        space();
        if (at >= text.length() || (text.charAt(at) != '\'' && text.charAt(at) != '"')) {
            throw error("a quoted string");
        }
        char quote = text.charAt(at++);
        int start = at;
        while (at < text.length() && text.charAt(at) != quote) {
            if (text.charAt(at) == '\\' || text.charAt(at) == '\n') {
                throw error("a plain string (no escapes or line breaks)");
            }
            at++;
        }
        if (at >= text.length()) {
            at = start - 1;
            throw error("a closing " + quote);
        }
        return text.substring(start, at++);
    }

    private boolean peek(char c) throws Npy.FormatException {
        space();
        if (at >= text.length()) {
            throw error("'" + c + "' or more, not the end of the header");
        }
        return text.charAt(at) == c;
    }

    private void expect(char c) throws Npy.FormatException {
        space();
        if (at >= text.length() || text.charAt(at) != c) {
            throw error("'" + c + "'");
        }
        at++;
    }

    private void space() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t'
                || text.charAt(at) == '\n' || text.charAt(at) == '\r')) {
            at++;
        }
    }

    private Npy.FormatException error(String expected) {
        return new Npy.FormatException(file, "header", quoted(text), "expected " + expected + " at column " + at
                + (at < text.length() ? " ('" + text.charAt(at) + "')" : ""));
    }

    /** The header as it would be typed in Python (control characters escaped), at most 200 characters. */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c < 32 || c == 127) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > 200 ? "...\"" : "\"").toString();
    }
}
