import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.unfold4j.Backend;
import org.unfold4j.Fold;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.OpenCLException;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;

/**
 * A user's program that opens {@code Backend.openCL()} while two other threads allocate: the
 * kernel builds (PoCL's in-process clang) then overlap the JVM's safepoints (native-notes.md,
 * "PoCL and the JVM"). Exit 0 when the unfolds and folds worked, 1 when they failed with an
 * {@link OpenCLException} (its message is printed). A single-file program against the built
 * classes, so the same file runs on any commit:
 *
 * <pre>
 *   mvn -B -o -q compile
 *   cp=target/classes:$HOME/.m2/repository/org/jocl/jocl/2.0.5/jocl-2.0.5.jar
 *   POCL_CACHE_DIR=$(mktemp -d) java -cp $cp bench/PoclUnderLoad.java
 * </pre>
 *
 * Run it without {@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so} and with a fresh PoCL cache (a
 * cache hit skips the compiler, and with it the failure); bench/pocl-under-load.sh runs it 20
 * times so. An argument N opens N backends one after the other (default 1), each building its
 * programs anew, as a program that opens a backend per request does.
 */
public class PoclUnderLoad {
    public static void main(String[] args) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong allocated = new AtomicLong();
        Thread[] garbage = new Thread[2];
        for (int t = 0; t < garbage.length; t++) {
            garbage[t] = new Thread(() -> {
                // Short-lived arrays, kept in a ring so that the JIT cannot drop them: young
                // collections, so safepoints (and the JVM's SIGSEGV polls), all through the builds.
                byte[][] ring = new byte[64][];
                long bytes = 0;
                for (int i = 0; !done.get(); i++) {
                    ring[i & 63] = new byte[64 * 1024];
                    bytes += ring[i & 63].length;
                }
                allocated.addAndGet(bytes);
            }, "garbage-" + t);
            garbage[t].start();
        }
        // Backends opened one after another, as a program that opens one per request would.
        int backends = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int status = 0;
        long start = System.nanoTime();
        try {
            for (int b = 0; b < backends; b++) {
                try (OpenCLBackend cl = Backend.openCL()) {
                    Tensor image = Tensor.of(new float[2 * 3 * 8 * 8], 2, 3, 8, 8);
                    Tensor cols = Unfold.of(3).withPadding(1).apply(image, cl);
                    Tensor back = Fold.of(8, 8, 3, 3).withPadding(1).apply(cols, cl);
                    System.out.println("ok on " + cl.deviceName() + ": " + back + " after "
                            + (System.nanoTime() - start) / 1_000_000 + " ms");
                }
            }
        } catch (OpenCLException e) {
            System.out.println("FAILED after " + (System.nanoTime() - start) / 1_000_000 + " ms: " + e.getMessage());
            status = 1;
        } finally {
            done.set(true);
            for (Thread t : garbage) {
                t.join();
            }
        }
        System.out.println("garbage allocated: " + allocated.get() / (1 << 20) + " MiB");
        System.exit(status);
    }
}
