/**
 * Sliding-window patch extraction for the JVM: {@link org.unfold4j.Unfold} (im2col) and its
 * adjoint {@link org.unfold4j.Fold} (col2im), computing exactly what PyTorch's {@code nn.Unfold}
 * and {@code nn.Fold} compute, in pure Java or on an OpenCL device through JOCL.
 *
 * <h2>What unfold and fold compute</h2>
 *
 * <p>Unfold slides a window over every image of a batch and copies each window position into one
 * column: an image {@code [N, C, H, W]} becomes {@code [N, C·kh·kw, L]}, {@code L} the number of
 * window positions. Fold does the reverse: it adds every column back at its window's place in an
 * image of a given size, so pixels covered by several windows receive the sum of their values
 * ({@link org.unfold4j.FoldMode#MEAN} divides by that count instead, giving the image back, to
 * rounding).
 * Together they turn a convolution into a matrix product, cut images into tiles or ViT patches,
 * and stitch processed tiles back.
 *
 * <pre>{@code
 * Tensor image = Tensor.of(pixels, 2, 5, 3, 4);    // [N, C, H, W], wraps the array
 * Tensor cols  = Unfold.of(2, 3).apply(image);     // [2, 30, 4]
 * Tensor back  = Fold.of(3, 4, 2, 3).apply(cols);  // [2, 5, 3, 4], overlaps summed
 * }</pre>
 *
 * <h2>The main types</h2>
 *
 * <ul>
 *   <li>{@link org.unfold4j.Tensor}: a dense row-major host tensor over a Java array (float32,
 *       float64, uint8 or int32; see {@link org.unfold4j.DType}).</li>
 *   <li>{@link org.unfold4j.Unfold} and {@link org.unfold4j.Fold}: immutable specs, built with
 *       {@code of(...)} and {@code with...(...)}, applied to host or device tensors.
 *       {@link org.unfold4j.Window} holds kernel, dilation, padding and stride for 1-D, 2-D and
 *       3-D windows; {@link org.unfold4j.PaddingMode}, {@link org.unfold4j.ImageLayout},
 *       {@link org.unfold4j.ColumnLayout} and {@link org.unfold4j.FoldMode} select the
 *       extensions beyond PyTorch's.</li>
 *   <li>{@link org.unfold4j.ColumnGeometry}: the validated shape of one call, from
 *       {@code Unfold.geometry(...)} or {@code Fold.geometry(...)}; the one place where shapes are
 *       checked.</li>
 *   <li>{@link org.unfold4j.Backend}: where the computation runs, the Java backend or an
 *       {@link org.unfold4j.OpenCLBackend}, whose {@link org.unfold4j.DeviceTensor}s let unfold and
 *       fold be chained on the device without host round trips. {@link org.unfold4j.OpenCLRuntime}
 *       and {@link org.unfold4j.OpenCLDevice} describe the OpenCL devices present.</li>
 *   <li>{@link org.unfold4j.Images}: {@link java.awt.image.BufferedImage} to and from uint8
 *       channels-last tensors, and image files or lists of images of one size into one batch
 *       tensor of any type and layout ({@link org.unfold4j.PixelScale}: stored values or 0..1).</li>
 *   <li>{@link org.unfold4j.Npy}: NumPy's {@code .npy} files read into tensors and written from
 *       them, arrays larger than one tensor piece by piece.</li>
 * </ul>
 *
 * <h2>How a backend is chosen</h2>
 *
 * <p>{@code apply(tensor)} runs on {@link org.unfold4j.Backend#defaultBackend()}, chosen once per
 * JVM by the system property {@code unfold4j.backend} or else the environment variable
 * {@code UNFOLD4J_BACKEND}: {@code auto} (the default) takes the first OpenCL GPU or accelerator
 * and otherwise the Java backend, logging one line saying why; {@code java} and {@code opencl}
 * force one ({@code opencl} fails with an {@link org.unfold4j.OpenCLException} where there is
 * none). The system property {@code unfold4j.device} picks an OpenCL device by a substring of its
 * name. {@code apply(tensor, backend)} runs on the backend given; backends made by
 * {@link org.unfold4j.Backend#openCL()} belong to the caller, who closes them.
 *
 * <h2>Errors</h2>
 *
 * <p>Bad arguments (shapes, sizes, types, an output of the wrong shape) are
 * {@link java.lang.IllegalArgumentException}s whose message names the shape and every parameter,
 * thrown before anything is computed or allocated; failures of the OpenCL runtime or device are
 * {@link org.unfold4j.OpenCLException}s; use of a closed backend or device tensor is an
 * {@link java.lang.IllegalStateException}. A null argument is a {@link java.lang.NullPointerException}
 * whose message is the parameter's name ({@code kernel_size}, {@code output_size}, {@code data},
 * {@code shape}, ...), unless the method's documentation accepts null. A batch of 0 images is
 * valid with any geometry and gives an empty result of the right shape, however large the
 * geometry. No method modifies an input tensor; the output-argument overloads of {@code apply}
 * write only their {@code output}.
 *
 * <h2>Thread safety</h2>
 *
 * <p>Specs ({@code Unfold}, {@code Fold}, {@code Window}, {@code ColumnGeometry}) are immutable.
 * Backends and device tensors may be used from several threads at once. A {@code Tensor} is safe
 * to share as long as nobody writes to the array it wraps.
 *
 * <h2>Logging</h2>
 *
 * <p>Through {@link java.lang.System.Logger} only, under the name {@code org.unfold4j}: the
 * {@code auto} fallback to Java (INFO), float64 rerouted from a device without fp64 (DEBUG), and a
 * device tensor released by the garbage collector rather than closed (WARNING). No logging
 * library is required.
 */
package org.unfold4j;
