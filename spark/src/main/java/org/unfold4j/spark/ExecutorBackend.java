package org.unfold4j.spark;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.unfold4j.Backend;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.OpenCLDevice;
import org.unfold4j.OpenCLException;
import org.unfold4j.OpenCLRuntime;

/**
 * The unfold4j backend of this executor JVM, made on first use and shared by its tasks.
 *
 * <p>Note [one backend per executor]
 * A backend holds an OpenCL context, queues and compiled programs: making one per task (or per
 * row) would rebuild them each time, so each executor JVM makes one per GPU address it is given,
 * lazily (the driver never makes one), and closes them at JVM exit in a shutdown hook, since an
 * executor has no other end-of-life callback for user code. When Spark assigns GPUs
 * ({@code spark.executor.resource.gpu.amount} and {@code spark.task.resource.gpu.amount}), the
 * task's first {@code gpu} address picks the OpenCL device: the address is read as an index into
 * the OpenCL GPUs and accelerators in platform order (discovery scripts such as
 * {@code spark/getGpusResources.sh} print nvidia-smi's indices, which is the order the NVIDIA
 * platform lists its devices); an address that is no index, or one past the devices, or a device
 * that fails to open, falls back to {@link Backend#defaultBackend()} ({@code auto}: the first
 * OpenCL GPU, or Java), with a logged line. Without GPU resources every task uses
 * {@link Backend#defaultBackend()}, shared and never closed by us.
 */
final class ExecutorBackend {
    private static final System.Logger LOG = System.getLogger("org.unfold4j.spark");
    private static final Map<String, Backend> BY_ADDRESS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> BY_ADDRESS.values().forEach(Backend::close),
                "unfold4j-spark-close"));
    }

    private ExecutorBackend() {
    }

    /** {@return the backend for the running task (or for the calling thread outside a task)} */
    static Backend get() {
        String address = gpuAddress();
        if (address == null) {
            return Backend.defaultBackend();
        }
        return BY_ADDRESS.computeIfAbsent(address, ExecutorBackend::open);
    }

    /** The running task's first GPU address, or null when Spark assigned none. */
    private static String gpuAddress() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return null;
        }
        ResourceInformation gpu = task.resources().get("gpu").getOrElse(() -> null);
        return gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0].trim();
    }

    private static Backend open(String address) {
        OpenCLRuntime runtime = OpenCLRuntime.get();
        if (!runtime.available()) {
            LOG.log(System.Logger.Level.WARNING, "unfold4j-spark: GPU " + address + " assigned, but OpenCL is not available ("
                    + runtime.unavailableReason() + "); using " + Backend.defaultBackend());
            return Backend.defaultBackend();
        }
        List<OpenCLDevice> gpus = runtime.devices().stream().filter(OpenCLDevice::isGpuOrAccelerator).toList();
        try {
            int index = Integer.parseInt(address);
            if (index >= 0 && index < gpus.size()) {
                return OpenCLBackend.create(gpus.get(index));
            }
        } catch (NumberFormatException | OpenCLException e) {
            LOG.log(System.Logger.Level.WARNING, "unfold4j-spark: GPU address '" + address + "' gives no OpenCL device ("
                    + e.getMessage() + "); using " + Backend.defaultBackend());
            return Backend.defaultBackend();
        }
        LOG.log(System.Logger.Level.WARNING, "unfold4j-spark: GPU address '" + address + "' is past the " + gpus.size()
                + " OpenCL GPUs " + gpus + "; using " + Backend.defaultBackend());
        return Backend.defaultBackend();
    }
}
