package org.unfold4j.internal.opencl;

import java.util.List;
import org.unfold4j.PaddingMode;
import org.unfold4j.internal.geometry.View;

/**
 * The numbers the host passes to the kernels as {@code -D} values, defined once: Note [kernel codes].
 *
 * <p>Note [kernel codes]: kernels/unfold.cl selects its padding and column order by number
 * ({@code #if PAD_MODE == 1}, {@code #elif ORDER == 2}). Those numbers are this table's, not an
 * enum's declaration order, so that reordering or extending {@code PaddingMode} or the column
 * layouts cannot silently change what a kernel computes; the kernel source names this class next
 * to each test, and KernelCodesTest checks that every code here is one the source tests.
 */
public final class KernelCodes {
    /** PAD_MODE of zero padding. */
    public static final int PAD_ZEROS = 0;
    /** PAD_MODE of reflect padding. */
    public static final int PAD_REFLECT = 1;
    /** PAD_MODE of replicate padding. */
    public static final int PAD_REPLICATE = 2;
    /** PAD_MODE of circular padding. */
    public static final int PAD_CIRCULAR = 3;

    /** ORDER of (c, k, l) columns, PyTorch's row order for either image layout. */
    public static final int ORDER_COLUMNS = 0;
    /** ORDER of (l, c, k) patches of channels-first images. */
    public static final int ORDER_PATCHES = 2;
    /** ORDER of (l, k, c) patches of channels-last images. */
    public static final int ORDER_PATCHES_CHANNELS_LAST = 3;

    /** Every ORDER code. */
    public static final List<Integer> ORDERS = List.of(ORDER_COLUMNS, ORDER_PATCHES, ORDER_PATCHES_CHANNELS_LAST);

    private KernelCodes() {
    }

    /**
     * {@return the PAD_MODE of {@code mode}}
     *
     * @param mode the padding mode
     */
    public static int padMode(PaddingMode mode) {
        return switch (mode) {
            case ZEROS -> PAD_ZEROS;
            case REFLECT -> PAD_REFLECT;
            case REPLICATE -> PAD_REPLICATE;
            case CIRCULAR -> PAD_CIRCULAR;
        };
    }

    /**
     * {@return the ORDER of {@code g}: its column side's axis order (View.columnOrder)}
     *
     * @param g the geometry
     */
    public static int order(View g) {
        int[] o = g.columnOrder();
        if (o[0] == View.AXIS_CHANNEL) {
            return ORDER_COLUMNS;
        }
        return o[1] == View.AXIS_CHANNEL ? ORDER_PATCHES : ORDER_PATCHES_CHANNELS_LAST;
    }
}
