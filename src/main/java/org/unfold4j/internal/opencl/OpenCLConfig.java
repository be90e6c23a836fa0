package org.unfold4j.internal.opencl;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an OpenCL engine is built with, fixed for its life: the device's tuning (Note [tuning
 * table] in Tuning) and the switches tests use to reach paths a device would not take by
 * itself. Immutable; the {@code with...} methods return changed copies. Because nothing changes
 * after construction, an engine's memoised launch plans depend on the geometry alone (Note
 * [memoised plans] in PlanCache).
 *
 * @param allocationLimit     the largest buffer the engine allocates; lowered by tests to force
 *                            chunking of host calls
 * @param forceLongIndex      whether small tensors too get the 64-bit index kernels (tests)
 * @param interleaveWorkItems whether fold_row_classes is built with barriers between its phases
 *                            (INTERLEAVE_ITEMS in fold.cl), so that a CPU device, which otherwise
 *                            runs a work-group's items one after another, runs each phase for
 *                            every item of the group before the next: work-items whose __local
 *                            scratch overlapped would then spoil each other's sums, as on a GPU
 *                            (tests)
 * @param variants            the kernel variants the engine may choose (Note [choosing a
 *                            variant] in KernelVariant); the element variants are always in, as
 *                            every geometry falls back to them
 * @param tuning              the tuning values, row kernels and overlapped transfers among them
 */
public record OpenCLConfig(long allocationLimit, boolean forceLongIndex, boolean interleaveWorkItems,
                           Set<KernelVariant> variants, Tuning tuning) {
    /** Checks the values and makes {@code variants} an immutable set holding the element variants. */
    public OpenCLConfig {
        if (allocationLimit < 0) {
            throw new IllegalArgumentException("allocation limit " + allocationLimit);
        }
        EnumSet<KernelVariant> all = EnumSet.of(KernelVariant.UNFOLD_ELEMENTS, KernelVariant.FOLD_ELEMENTS);
        all.addAll(variants);
        variants = Set.copyOf(all);
        if (tuning == null) {
            throw new IllegalArgumentException("tuning");
        }
    }

    /**
     * {@return the configuration of a device: its largest allocation, every variant, its tuning
     * (with the system properties: {@link Tuning#of(DeviceFacts)}), no test switch}
     *
     * @param device the device
     */
    public static OpenCLConfig defaults(DeviceFacts device) {
        return new OpenCLConfig(device.maxAllocation(), false, false, EnumSet.allOf(KernelVariant.class), Tuning.of(device));
    }

    /** {@return whether the engine uses the row kernels: {@link Tuning#rowKernels()}} */
    public boolean rowKernels() {
        return tuning.rowKernels();
    }

    /** {@return whether host calls on a batch overlap transfers with kernels: {@link Tuning#overlapTransfers()}} */
    public boolean overlapTransfers() {
        return tuning.overlapTransfers();
    }

    /** {@return the elements from which kernels are built for their geometry: {@link Tuning#specialiseFrom()}} */
    public long specialiseFrom() {
        return tuning.specialiseFrom();
    }

    /**
     * {@return this configuration with another allocation limit}
     *
     * @param bytes the largest buffer, in bytes
     */
    public OpenCLConfig withAllocationLimit(long bytes) {
        return new OpenCLConfig(bytes, forceLongIndex, interleaveWorkItems, variants, tuning);
    }

    /**
     * {@return this configuration with 64-bit indices forced on or off}
     *
     * @param on whether every kernel uses 64-bit indices
     */
    public OpenCLConfig withForceLongIndex(boolean on) {
        return new OpenCLConfig(allocationLimit, on, interleaveWorkItems, variants, tuning);
    }

    /**
     * {@return this configuration with fold_row_classes' interleaving barriers on or off}
     *
     * @param on whether INTERLEAVE_ITEMS is defined
     */
    public OpenCLConfig withInterleaveWorkItems(boolean on) {
        return new OpenCLConfig(allocationLimit, forceLongIndex, on, variants, tuning);
    }

    /**
     * {@return this configuration allowing only {@code allowed} (and the element variants)}
     *
     * @param allowed the variants the engine may choose
     */
    public OpenCLConfig withVariants(Set<KernelVariant> allowed) {
        return new OpenCLConfig(allocationLimit, forceLongIndex, interleaveWorkItems, allowed, tuning);
    }

    /**
     * {@return this configuration with row kernels on or off}
     *
     * @param on whether the row kernels are used
     */
    public OpenCLConfig withRowKernels(boolean on) {
        return new OpenCLConfig(allocationLimit, forceLongIndex, interleaveWorkItems, variants, tuning.withRowKernels(on));
    }

    /**
     * {@return this configuration with overlapped host calls on or off}
     *
     * @param on whether host calls on a batch overlap transfers with kernels
     */
    public OpenCLConfig withOverlapTransfers(boolean on) {
        return new OpenCLConfig(allocationLimit, forceLongIndex, interleaveWorkItems, variants, tuning.withOverlapTransfers(on));
    }

    /**
     * {@return this configuration building kernels for their geometry from {@code elements} on}
     *
     * @param elements the smallest call, in elements, that gets specialised kernels
     */
    public OpenCLConfig withSpecialiseFrom(long elements) {
        return new OpenCLConfig(allocationLimit, forceLongIndex, interleaveWorkItems, variants, tuning.withSpecialiseFrom(elements));
    }
}
