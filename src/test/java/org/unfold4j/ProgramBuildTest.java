package org.unfold4j;

import org.unfold4j.internal.opencl.ClCalls;
import org.unfold4j.internal.opencl.Programs;
import static org.jocl.CL.CL_BUILD_PROGRAM_FAILURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kernel builds that fail from the JVM's signals (Note [signals in kernel builds] in Programs):
 * the message says what to do, such builds are retried with pauses, and the process builds one
 * program at a time. Checked to fail without the change (each by editing Programs and running
 * this class): with {@code signalChainingAdvice} always returning null the four message tests
 * that expect advice fail; with {@code SIGNAL_ATTEMPTS = 2} (the old two tries)
 * {@link #aBuildBrokenBySignalsIsRetriedWithPauses} fails with the injected log, and with
 * {@code SIGNAL_PAUSE_MS = 0} on its first pause; without the {@code synchronized (BUILD_LOCK)}
 * in {@code Programs.build} {@link #twoBackendsNeverBuildAtOnce} sees two builds at once. On the
 * base commit none of this compiles (no build seam, no advice).
 */
class ProgramBuildTest {
    /** The build log PoCL 3.1 gives when LLVM's signal handler deleted clang's temporary output. */
    static final String SIGNAL_LOG = "error: <invalid loc>: unable to rename temporary '/home/u/.cache/pocl/kcache/"
            + "tempfile_O1fq30.preproc-39ab1acb.cl.tmp' to output file '/home/u/.cache/pocl/kcache/"
            + "tempfile_O1fq30.preproc.cl': 'No such file or directory'\n"
            + "Device pthread-skylake-avx512 failed to build the program";

    /** A real compile error: no advice about signals. */
    static final String SOURCE_ERROR_LOG = "error: <source>:12:5: use of undeclared identifier 'x'";

    static final String JAVA_HOME = "/opt/jdk-17";

    static String message(String log, String ldPreload) {
        return Programs.failureMessage("fold", "-D T=float", "pthread-cpu", CL_BUILD_PROGRAM_FAILURE, log, 5,
                ldPreload, JAVA_HOME, "Linux");
    }

    @Test
    void withoutLibjsigTheMessageGivesTheLineToStartJavaWith() {
        for (String unset : new String[] {null, ""}) {
            String m = message(SIGNAL_LOG, unset);
            assertTrue(m.startsWith("building kernels/fold.cl with '-D T=float' on pthread-cpu failed: CL_BUILD_PROGRAM_FAILURE (-11) (attempt 5)\n"), m);
            assertTrue(m.contains("\n    LD_PRELOAD=/opt/jdk-17/lib/libjsig.so java ...\n"), m);
            assertTrue(m.contains(Programs.README_POCL), m);
            assertTrue(m.contains("native-notes.md, \"PoCL and the JVM\""), m);
            assertTrue(m.contains("not an error in the kernel"), m);
            assertTrue(m.endsWith("\nbuild log:\n" + SIGNAL_LOG), m);
        }
    }

    @Test
    void anotherPreloadIsKeptBehindLibjsig() {
        String m = message(SIGNAL_LOG, "/usr/lib/libtcmalloc.so");
        assertTrue(m.contains("\n    LD_PRELOAD=/opt/jdk-17/lib/libjsig.so:/usr/lib/libtcmalloc.so java ...\n"), m);
    }

    @Test
    void withLibjsigPreloadedOrAnotherErrorThereIsNoAdvice() {
        String preloaded = message(SIGNAL_LOG, "/opt/jdk-17/lib/libjsig.so");
        assertFalse(preloaded.contains("LD_PRELOAD"), preloaded);
        assertTrue(preloaded.endsWith("failed: CL_BUILD_PROGRAM_FAILURE (-11) (attempt 5)\nbuild log:\n" + SIGNAL_LOG), preloaded);
        String sourceError = message(SOURCE_ERROR_LOG, null);
        assertFalse(sourceError.contains("LD_PRELOAD"), sourceError);
        assertTrue(sourceError.endsWith("(attempt 5)\nbuild log:\n" + SOURCE_ERROR_LOG), sourceError);
    }

    @Test
    void macOsGetsItsOwnVariable() {
        String advice = Programs.signalChainingAdvice(SIGNAL_LOG, null, JAVA_HOME, "Mac OS X");
        assertNotNull(advice);
        assertTrue(advice.contains("\n    DYLD_INSERT_LIBRARIES=/opt/jdk-17/lib/libjsig.dylib java ...\n"), advice);
    }

    /** The library named is the running JVM's own, and it exists (the JDK ships it). */
    @Test
    void theAdviceNamesThisJvmsLibjsig() {
        String home = System.getProperty("java.home");
        String advice = Programs.signalChainingAdvice(SIGNAL_LOG, null, home, System.getProperty("os.name"));
        assertNotNull(advice);
        Path jsig = Path.of(home, "lib", System.getProperty("os.name").toLowerCase().contains("mac") ? "libjsig.dylib" : "libjsig.so");
        assertTrue(advice.contains("=" + jsig + " java ..."), advice);
        assertTrue(Files.isRegularFile(jsig), jsig + " is missing from this JDK");
    }

    static final Unfold UNFOLD = Unfold.of(3, 2).withPadding(1);
    static final Tensor INPUT = RandomCases.tensor(new Random(5), 2, 3, 6, 5);

    /** A fresh backend on the test device: its programs are not built yet. */
    static OpenCLBackend fresh() {
        return OpenCLBackend.create(TestBackends.openCL().device());
    }

    /** Four failures in a row from signals, then a build that works: the call succeeds, after pauses of 50, 100, 200 and 400 ms. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBuildBrokenBySignalsIsRetriedWithPauses() {
        List<Long> starts = new CopyOnWriteArrayList<>(), ends = new CopyOnWriteArrayList<>();
        try (OpenCLBackend cl = fresh()) {
            cl.openCLEngine().calls().observeBuilds(new ClCalls.BuildObserver() {
                @Override
                public void started() {
                    starts.add(System.nanoTime());
                }

                @Override
                public void finished() {
                    ends.add(System.nanoTime());
                }
            });
            cl.openCLEngine().calls().failBuilds(4, SIGNAL_LOG);
            assertEquals(UNFOLD.apply(INPUT, Backend.java()), UNFOLD.apply(INPUT, cl));
            assertNull(cl.openCLEngine().calls().injectedBuildFailure(), "every injected failure was met by a build");
        }
        assertTrue(starts.size() >= 5, starts.size() + " builds");
        for (int i = 0; i < 4; i++) {
            long pauseMs = (starts.get(i + 1) - ends.get(i)) / 1_000_000;
            assertTrue(pauseMs >= 50 << i, "pause " + (i + 1) + " was " + pauseMs + " ms, less than " + (50 << i));
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBuildThatKeepsFailingFromSignalsSurfacesAfterTheLastAttemptAndIsNotRemembered() {
        try (OpenCLBackend cl = fresh()) {
            cl.openCLEngine().calls().failBuilds(Programs.SIGNAL_ATTEMPTS, SIGNAL_LOG);
            OpenCLException e = assertThrows(OpenCLException.class, () -> UNFOLD.apply(INPUT, cl));
            assertEquals(CL_BUILD_PROGRAM_FAILURE, e.errorCode(), e.getMessage());
            assertTrue(e.getMessage().contains("(attempt " + Programs.SIGNAL_ATTEMPTS + ")"), e.getMessage());
            assertTrue(e.getMessage().contains(SIGNAL_LOG + "\n(fault injected by a test)"), e.getMessage());
            // The test JVM runs with libjsig (pom.xml), so it is told nothing about LD_PRELOAD.
            assertEquals(System.getenv("LD_PRELOAD") != null && System.getenv("LD_PRELOAD").contains("libjsig"),
                    !e.getMessage().contains("LD_PRELOAD="), e.getMessage());
            assertEquals(UNFOLD.apply(INPUT, Backend.java()), UNFOLD.apply(INPUT, cl), "the next call builds afresh");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anyOtherBuildFailureIsTriedTwice() {
        try (OpenCLBackend cl = fresh()) {
            cl.openCLEngine().calls().failBuilds(1, SOURCE_ERROR_LOG);
            assertEquals(UNFOLD.apply(INPUT, Backend.java()), UNFOLD.apply(INPUT, cl));
        }
        try (OpenCLBackend cl = fresh()) {
            cl.openCLEngine().calls().failBuilds(Programs.BUILD_ATTEMPTS, SOURCE_ERROR_LOG);
            OpenCLException e = assertThrows(OpenCLException.class, () -> UNFOLD.apply(INPUT, cl));
            assertTrue(e.getMessage().contains("(attempt " + Programs.BUILD_ATTEMPTS + ")\nbuild log:\n" + SOURCE_ERROR_LOG), e.getMessage());
            assertEquals(UNFOLD.apply(INPUT, Backend.java()), UNFOLD.apply(INPUT, cl), "the next call builds afresh");
        }
    }

    /**
     * Note [program binaries]: once a program was built from source on the device, a new backend
     * builds it from the kept binary and computes the same; a binary that fails to build is
     * dropped, the retry builds from source, and the binary is kept again. Fails without the
     * change: with {@code BINARIES.putIfAbsent} removed, no build is from a binary.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void laterBackendsBuildFromTheFirstBuildsBinary() {
        Tensor expected = UNFOLD.apply(INPUT, Backend.java());
        try (OpenCLBackend first = fresh()) {
            assertEquals(expected, UNFOLD.apply(INPUT, first));
        }
        long before = Programs.BUILDS_FROM_BINARY.get();
        try (OpenCLBackend second = fresh()) {
            assertEquals(expected, UNFOLD.apply(INPUT, second));
        }
        assertTrue(Programs.BUILDS_FROM_BINARY.get() > before, "the second backend compiled from source again");
        before = Programs.BUILDS_FROM_BINARY.get();
        try (OpenCLBackend third = fresh()) {
            third.openCLEngine().calls().failBuilds(1, SOURCE_ERROR_LOG);
            assertEquals(expected, UNFOLD.apply(INPUT, third));
        }
        assertEquals(before, Programs.BUILDS_FROM_BINARY.get(), "the failed binary build was dropped, the retry built from source");
        try (OpenCLBackend fourth = fresh()) {
            assertEquals(expected, UNFOLD.apply(INPUT, fourth));
        }
        assertTrue(Programs.BUILDS_FROM_BINARY.get() > before, "the source build kept its binary again");
    }

    /**
     * Two backends (two contexts, so PoCL's per-context compiler lock does not order them) build
     * at the same moment: the first build to begin waits up to 2 s for the other to begin too,
     * which only happens when nothing keeps builds apart.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void twoBackendsNeverBuildAtOnce() throws Exception {
        AtomicInteger inside = new AtomicInteger(), most = new AtomicInteger();
        CountDownLatch both = new CountDownLatch(2);
        ClCalls.BuildObserver observer = new ClCalls.BuildObserver() {
            @Override
            public void started() {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                both.countDown();
                try {
                    both.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void finished() {
                inside.decrementAndGet();
            }
        };
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (OpenCLBackend a = fresh(); OpenCLBackend b = fresh()) {
            a.openCLEngine().calls().observeBuilds(observer);
            b.openCLEngine().calls().observeBuilds(observer);
            Tensor expected = UNFOLD.apply(INPUT, Backend.java());
            Future<Tensor> ra = pool.submit(() -> {
                start.await();
                return UNFOLD.apply(INPUT, a);
            });
            Future<Tensor> rb = pool.submit(() -> {
                start.await();
                return UNFOLD.apply(INPUT, b);
            });
            assertEquals(expected, ra.get());
            assertEquals(expected, rb.get());
            assertEquals(1, most.get(), "program builds overlapped");
        } finally {
            pool.shutdownNow();
        }
    }
}
