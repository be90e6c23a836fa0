package org.unfold4j.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A size per dimension, written {@code N} (both) or {@code H,W} on the command line. */
record Pair(int h, int w) {
    /** Parses {@code N} or {@code H,W}. */
    static final class Converter implements ITypeConverter<Pair> {
        @Override
        public Pair convert(String value) {
            String[] parts = value.trim().split("\\s*[,x×]\\s*", -1);
            if (parts.length < 1 || parts.length > 2) {
                throw new TypeConversionException("'" + value + "' is not N or H,W");
            }
            try {
                int h = Integer.parseInt(parts[0]);
                int w = parts.length == 2 ? Integer.parseInt(parts[1]) : h;
                return new Pair(h, w);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not N or H,W (whole numbers)");
            }
        }
    }

    /** Throws unless both values are at least 1. */
    Pair requirePositive(String option) {
        if (h < 1 || w < 1) {
            throw new BadInputException(option + " must be at least 1, but got " + this);
        }
        return this;
    }

    /** Throws unless both values are at least 0. */
    Pair requireNonNegative(String option) {
        if (h < 0 || w < 0) {
            throw new BadInputException(option + " must not be negative, but got " + this);
        }
        return this;
    }

    @Override
    public String toString() {
        return h == w ? String.valueOf(h) : h + "," + w;
    }
}
