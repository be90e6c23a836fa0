package org.unfold4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the tensors that PyTorch prints, {@code tensor([[0.4198, 1.0535], ...])} or
 * {@code tensor(1.1567)}, and the sizes it prints, {@code torch.Size([1, 9, 4])}, from free text
 * such as a copied article. Each literal's shape comes from its bracket nesting, which must be
 * rectangular; anything after the first argument ({@code dtype=...}) is ignored.
 */
final class TorchPrint {
    /** One printed tensor: its shape (empty for a scalar), its values row-major, where it starts in the text. */
    record Literal(long[] shape, double[] values, int offset) {
        float[] floats() {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return f;
        }

        /** A new tensor holding the printed values rounded to float. */
        Tensor tensor() {
            return Tensor.of(floats(), shape);
        }

        @Override
        public String toString() {
            return "tensor literal at offset " + offset + " of shape " + Arrays.toString(shape);
        }
    }

    private final String text;
    private int pos;

    private TorchPrint(String text, int pos) {
        this.text = text;
        this.pos = pos;
    }

    /** Every {@code tensor(...)} in the text, in order of appearance. */
    static List<Literal> tensors(String text) {
        List<Literal> found = new ArrayList<>();
        for (int at = text.indexOf("tensor("); at >= 0; at = text.indexOf("tensor(", at + 1)) {
            if (at > 0 && (Character.isLetterOrDigit(text.charAt(at - 1)) || text.charAt(at - 1) == '_')) {
                continue; // e.g. "as_tensor(": not a printed tensor
            }
            TorchPrint p = new TorchPrint(text, at + "tensor(".length());
            Node node = p.value();
            found.add(new Literal(node.shape, node.values.stream().mapToDouble(Double::doubleValue).toArray(), at));
        }
        return found;
    }

    /** Every {@code torch.Size([...])} in the text, in order of appearance. */
    static List<long[]> sizes(String text) {
        List<long[]> found = new ArrayList<>();
        for (int at = text.indexOf("torch.Size("); at >= 0; at = text.indexOf("torch.Size(", at + 1)) {
            Node node = new TorchPrint(text, at + "torch.Size(".length()).value();
            if (node.shape.length != 1) {
                throw new IllegalArgumentException("torch.Size at offset " + at + " is not a flat list");
            }
            long[] dims = new long[node.values.size()];
            for (int i = 0; i < dims.length; i++) {
                double v = node.values.get(i);
                if (v != Math.rint(v) || v < 0) {
                    throw new IllegalArgumentException("torch.Size at offset " + at + " holds " + v);
                }
                dims[i] = (long) v;
            }
            found.add(dims);
        }
        return found;
    }

    private record Node(long[] shape, List<Double> values) {
    }

    private Node value() {
        skipSpace();
        if (peek() == '[') {
            return list();
        }
        List<Double> one = new ArrayList<>();
        one.add(number());
        return new Node(new long[0], one);
    }

    private Node list() {
        int start = pos;
        expect('[');
        List<Node> items = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return new Node(new long[] {0}, new ArrayList<>());
        }
        while (true) {
            items.add(value());
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') {
                break;
            }
            if (c != ',') {
                throw error("expected ',' or ']' but found '" + c + "'");
            }
        }
        long[] inner = items.get(0).shape;
        List<Double> values = new ArrayList<>();
        for (Node item : items) {
            if (!Arrays.equals(item.shape, inner)) {
                throw new IllegalArgumentException("ragged tensor literal at offset " + start + ": an element of shape "
                        + Arrays.toString(item.shape) + " next to one of shape " + Arrays.toString(inner));
            }
            values.addAll(item.values);
        }
        long[] shape = new long[inner.length + 1];
        shape[0] = items.size();
        System.arraycopy(inner, 0, shape, 1, inner.length);
        return new Node(shape, values);
    }

    private double number() {
        int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a number");
        }
        try {
            return Double.parseDouble(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("bad number '" + text.substring(start, pos) + "'");
        }
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end of text");
        }
        return text.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private IllegalArgumentException error(String what) {
        int from = Math.max(0, pos - 20), to = Math.min(text.length(), pos + 20);
        return new IllegalArgumentException(what + " at offset " + pos + " near \"" + text.substring(from, to) + "\"");
    }
}
