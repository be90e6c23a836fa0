package org.unfold4j.internal.cpu;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a Java engine may use: the variants it may choose among (JavaVariant.choose). Immutable.
 * The general variant of each operation is always allowed, so every geometry has one.
 * {@link #DEFAULTS} allows all, which is what {@link JavaEngine#INSTANCE} runs; tests build
 * engines restricted to some variants through {@link JavaEngine#with}.
 */
public final class JavaConfig {
    /** Every variant allowed. */
    public static final JavaConfig DEFAULTS = new JavaConfig(EnumSet.allOf(JavaVariant.class));

    private final Set<JavaVariant> allowed;

    private JavaConfig(EnumSet<JavaVariant> allowed) {
        for (JavaVariant v : JavaVariant.values()) {
            if (v.general()) {
                allowed.add(v);
            }
        }
        this.allowed = java.util.Collections.unmodifiableSet(allowed);
    }

    /**
     * {@return a configuration allowing the given variants and the general ones}
     *
     * @param variants the variants allowed beyond the general ones
     */
    public static JavaConfig allowing(JavaVariant... variants) {
        EnumSet<JavaVariant> set = EnumSet.noneOf(JavaVariant.class);
        set.addAll(java.util.Arrays.asList(variants));
        return new JavaConfig(set);
    }

    /**
     * {@return whether an engine with this configuration may use the variant}
     *
     * @param v the variant
     */
    public boolean allows(JavaVariant v) {
        return allowed.contains(v);
    }

    /** {@return the variants allowed, the general ones included} */
    public Set<JavaVariant> allowed() {
        return allowed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JavaConfig c && c.allowed.equals(allowed);
    }

    @Override
    public int hashCode() {
        return allowed.hashCode();
    }

    @Override
    public String toString() {
        return "JavaConfig" + allowed;
    }
}
