/**
 * unfold4j: sliding-window patch extraction (unfold / im2col) and its adjoint (fold / col2im),
 * matching PyTorch's {@code nn.Unfold} / {@code nn.Fold}, on OpenCL through JOCL or in pure Java.
 *
 * <p>Exports the API package {@link org.unfold4j} alone; {@code org.unfold4j.internal.*} (the
 * geometry's normalised view, the Java and OpenCL engines) is not exported. JOCL is required
 * transitively: {@code OpenCLBackend.interop} hands JOCL's queue and buffer types to the caller.
 * JOCL's jar names no module, so its automatic name {@code jocl} comes from the jar's file name.
 */
@SuppressWarnings({"requires-transitive-automatic", "requires-automatic"})
module org.unfold4j {
    requires transitive jocl;
    requires transitive java.desktop;

    exports org.unfold4j;
}
