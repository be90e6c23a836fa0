package org.unfold4j;


/**
 * A failure of the OpenCL runtime or device (as opposed to bad arguments, which are
 * {@link IllegalArgumentException}s): no runtime or device, a failed kernel build, an allocation
 * the device refused. The message names the operation and, where there is one, the OpenCL error.
 */
public class OpenCLException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The OpenCL error code, or 0 when the failure has none (e.g. no runtime installed). */
    private final int errorCode;

    /**
     * A failure without an OpenCL error code.
     *
     * @param message what failed and, where known, what to do about it
     * @param cause   the underlying exception, or null
     */
    public OpenCLException(String message, Throwable cause) {
        super(message, cause);
        this.errorCode = 0;
    }

    /**
     * A failure with the OpenCL error code behind it (e.g. a failed build, or a call of one's
     * own JOCL code in an {@link OpenCLBackend#interop interop} body).
     *
     * @param message   what failed, with the error's name where useful
     * @param errorCode the OpenCL error code, e.g. {@code CL_OUT_OF_RESOURCES}
     * @param cause     the underlying exception, or null
     */
    public OpenCLException(String message, int errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** {@return the OpenCL error code (e.g. -4 for {@code CL_MEM_OBJECT_ALLOCATION_FAILURE}), or 0} */
    public int errorCode() {
        return errorCode;
    }

}
