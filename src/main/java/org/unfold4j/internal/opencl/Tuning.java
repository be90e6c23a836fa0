package org.unfold4j.internal.opencl;

import java.util.Locale;
import java.util.Map;

/**
 * The OpenCL engine's tuning values, with defaults per device type in one table (CLBlast's
 * database in miniature): Note [tuning table].
 *
 * <p>Note [tuning table]: every number the engine chooses for speed rather than correctness
 * lives here, one row per device type ({@code DeviceFacts.type()}), so that a device type with
 * other needs gets a row instead of conditions spread through the code. For experiments the
 * system property {@code unfold4j.tuning} overrides any of them, as comma-separated
 * {@code name=value} pairs with the component names below, e.g.
 * {@code -Dunfold4j.tuning=workGroup=128,overlapChunks=2}; an unknown name or a bad value is an
 * {@link IllegalArgumentException} naming the known ones. The older property
 * {@code unfold4j.overlapTransfers} ({@code auto}, {@code true}, {@code false}; README) sets
 * {@code overlapTransfers} before that. Measured effects of these values are in bench/RESULTS.md.
 *
 * @param workGroup            the largest work-group a launch asks for (the device's and the
 *                             kernel's own limits may lower it)
 * @param groupsPerComputeUnit row kernels of large calls shrink their work-groups to make at
 *                             least this many per compute unit: a CPU device runs whole
 *                             work-groups per core, so few long work-items (row classes, a
 *                             handful of images) in groups of {@code workGroup} would leave
 *                             cores idle
 * @param spreadFrom           the elements from which that rule applies: below it a call stays
 *                             one group, as each group costs PoCL a scheduling round
 * @param overlapChunks        how many chunks an overlapped host call aims for (Note
 *                             [overlapped host calls]): enough to keep both directions busy, few
 *                             enough to stay large
 * @param specialiseFrom       calls of at least this many elements get kernels built for their
 *                             geometry (P_SPECIALISED in the kernels): worth a build for large
 *                             tensors, not for many small different ones
 * @param rowKernels           whether to use the row kernels (a run of outputs per work-item)
 *                             rather than the element kernels (Note [choosing a variant] in
 *                             KernelVariant)
 * @param overlapTransfers     whether host calls of more than one image overlap transfers with
 *                             kernels (Note [overlapped host calls]): GPUs and accelerators have
 *                             copy engines that work beside the kernels; a CPU device's
 *                             "transfers" are memory copies on the same cores as the kernels
 */
public record Tuning(long workGroup, long groupsPerComputeUnit, long spreadFrom, int overlapChunks, long specialiseFrom,
                     boolean rowKernels, boolean overlapTransfers) {
    /** The defaults, by device type. */
    private static final Map<String, Tuning> TABLE = Map.of(
            "GPU",         new Tuning(256, 8, 1 << 18, 4, 1 << 20, false, true),
            "accelerator", new Tuning(256, 8, 1 << 18, 4, 1 << 20, false, true),
            "CPU",         new Tuning(256, 8, 1 << 18, 4, 1 << 20, true, false),
            "other",       new Tuning(256, 8, 1 << 18, 4, 1 << 20, false, false));

    /** The names {@code unfold4j.tuning} knows. */
    static final String NAMES = "workGroup, groupsPerComputeUnit, spreadFrom, overlapChunks, specialiseFrom, rowKernels, overlapTransfers";

    /** Checks the values. */
    public Tuning {
        if (workGroup < 1 || groupsPerComputeUnit < 1 || spreadFrom < 0 || overlapChunks < 1 || specialiseFrom < 0) {
            throw new IllegalArgumentException("tuning values out of range: " + NAMES + " = " + workGroup + ", "
                    + groupsPerComputeUnit + ", " + spreadFrom + ", " + overlapChunks + ", " + specialiseFrom);
        }
    }

    /**
     * {@return the table's row for a device type, without the system properties}
     *
     * @param deviceType "GPU", "accelerator", "CPU" or "other", as {@code DeviceFacts.type()} says
     */
    public static Tuning defaults(String deviceType) {
        Tuning t = TABLE.get(deviceType);
        if (t == null) {
            throw new IllegalArgumentException("no tuning for device type " + deviceType + "; known: " + TABLE.keySet());
        }
        return t;
    }

    /**
     * {@return the tuning of {@code device}: its type's row, overridden by the system properties
     * {@code unfold4j.overlapTransfers} and {@code unfold4j.tuning}}
     *
     * @param device the device
     */
    public static Tuning of(DeviceFacts device) {
        return of(device.type(), System.getProperty("unfold4j.overlapTransfers"), System.getProperty("unfold4j.tuning"));
    }

    /**
     * {@return a device type's row, overridden by the two properties' values}
     *
     * @param deviceType the device type
     * @param overlap    {@code unfold4j.overlapTransfers}: {@code auto} (or null) keeps the row's
     *                   value, else {@code Boolean.parseBoolean} of it
     * @param overrides  {@code unfold4j.tuning}: comma-separated {@code name=value}, or null
     */
    static Tuning of(String deviceType, String overlap, String overrides) {
        Tuning t = defaults(deviceType);
        String o = overlap == null ? "auto" : overlap.trim();
        if (!o.equalsIgnoreCase("auto")) {
            t = t.with("overlapTransfers", Boolean.toString(Boolean.parseBoolean(o)));
        }
        if (overrides != null) {
            for (String pair : overrides.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("unfold4j.tuning: '" + pair.trim() + "' is not name=value; names: " + NAMES);
                }
                t = t.with(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return t;
    }

    /** This tuning with the value called {@code name} set from text. */
    private Tuning with(String name, String value) {
        try {
            return switch (name) {
                case "workGroup" -> new Tuning(Long.parseLong(value), groupsPerComputeUnit, spreadFrom, overlapChunks,
                        specialiseFrom, rowKernels, overlapTransfers);
                case "groupsPerComputeUnit" -> new Tuning(workGroup, Long.parseLong(value), spreadFrom, overlapChunks,
                        specialiseFrom, rowKernels, overlapTransfers);
                case "spreadFrom" -> new Tuning(workGroup, groupsPerComputeUnit, Long.parseLong(value), overlapChunks,
                        specialiseFrom, rowKernels, overlapTransfers);
                case "overlapChunks" -> new Tuning(workGroup, groupsPerComputeUnit, spreadFrom, Integer.parseInt(value),
                        specialiseFrom, rowKernels, overlapTransfers);
                case "specialiseFrom" -> withSpecialiseFrom(Long.parseLong(value));
                case "rowKernels" -> withRowKernels(bool(value));
                case "overlapTransfers" -> withOverlapTransfers(bool(value));
                default -> throw new IllegalArgumentException("unfold4j.tuning: unknown name '" + name + "'; names: " + NAMES);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unfold4j.tuning: " + name + "=" + value + " is not a number", e);
        }
    }

    private static boolean bool(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("unfold4j.tuning: '" + value + "' is not true or false");
        }
        return v.equals("true");
    }

    /**
     * {@return this tuning with another {@code specialiseFrom}}
     *
     * @param elements the new value
     */
    public Tuning withSpecialiseFrom(long elements) {
        return new Tuning(workGroup, groupsPerComputeUnit, spreadFrom, overlapChunks, elements, rowKernels, overlapTransfers);
    }

    /**
     * {@return this tuning with another {@code rowKernels}}
     *
     * @param on the new value
     */
    public Tuning withRowKernels(boolean on) {
        return new Tuning(workGroup, groupsPerComputeUnit, spreadFrom, overlapChunks, specialiseFrom, on, overlapTransfers);
    }

    /**
     * {@return this tuning with another {@code overlapTransfers}}
     *
     * @param on the new value
     */
    public Tuning withOverlapTransfers(boolean on) {
        return new Tuning(workGroup, groupsPerComputeUnit, spreadFrom, overlapChunks, specialiseFrom, rowKernels, on);
    }
}
