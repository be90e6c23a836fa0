package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input of every kind: one line naming the problem, exit code 2, no stack trace, and no
 * output left behind (the output directory is not even created).
 */
class BadInputTest {
    @TempDir
    Path tmp;

    Path out;
    Path text;
    Path truncated;

    @BeforeEach
    void files() throws IOException {
        out = tmp.resolve("out");
        text = tmp.resolve("notes.png");
        Files.writeString(text, "this is text, not a PNG\n");
        truncated = tmp.resolve("truncated.png");
        try (InputStream in = ImageFiles.class.getResourceAsStream(ImageFiles.BUNDLED)) {
            Files.write(truncated, Arrays.copyOf(in.readAllBytes(), 2000));
        }
        Files.createDirectory(tmp.resolve("folder"));
        Files.writeString(tmp.resolve("a-file"), "x");
    }

    /** Each case: arguments (with {tmp} for the temporary directory) and a piece of the expected message. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("patches {tmp}/missing.png --kernel 3", "image file not found"),
                Arguments.of("patches {tmp}/folder --kernel 3", "is a directory, not an image"),
                Arguments.of("patches {tmp}/notes.png --kernel 3", "is not an image"),
                Arguments.of("patches {tmp}/truncated.png --kernel 3", "cannot read image"),
                Arguments.of("filter {tmp}/notes.png", "is not an image"),
                Arguments.of("reconstruct {tmp}/missing.png --kernel 8", "image file not found"),
                Arguments.of("demo {tmp}/missing.png", "image file not found"),
                Arguments.of("patches --kernel 289", "the kernel 289x289 is larger than the image (288x448)"),
                Arguments.of("patches --kernel 300,5 --padding 5", "larger than the padded image (padding 5, 298x458)"),
                Arguments.of("patches --kernel 3 --dilation 150", "spans 301x301 pixels"),
                Arguments.of("reconstruct --kernel 500 --stride 10", "larger than the image"),
                Arguments.of("patches --kernel 0", "--kernel must be at least 1, but got 0"),
                Arguments.of("patches --kernel 3,-1", "--kernel must be at least 1"),
                Arguments.of("patches --kernel 3 --stride 0", "--stride must be at least 1"),
                Arguments.of("patches --kernel 3 --stride -2", "--stride must be at least 1"),
                Arguments.of("patches --kernel 3 --padding -1", "--padding must not be negative"),
                Arguments.of("patches --kernel 3 --dilation 0", "--dilation must be at least 1"),
                Arguments.of("reconstruct --kernel 8 --stride 0", "--stride must be at least 1"),
                Arguments.of("filter --size 0", "--size must be an odd number"),
                Arguments.of("filter --size -3", "--size must be an odd number"),
                Arguments.of("filter --size 4", "--size must be an odd number"),
                Arguments.of("filter --kind sobel-x --size 1", "at least 3 for a Sobel"),
                Arguments.of("filter --sigma -1", "--sigma must not be negative"),
                Arguments.of("bench --reps 0", "--reps must be at least 1"),
                Arguments.of("patches --kernel 3 --out {tmp}/a-file", "is a file, not a directory"),
                Arguments.of("patches --kernel 3 --out {tmp}/a-file/sub", "cannot write to output directory"),
                Arguments.of("demo --out {tmp}/a-file/sub/deeper", "cannot write to output directory"),
                Arguments.of("filter --out {tmp}/a-file", "is a file, not a directory"),
                Arguments.of("reconstruct --kernel 8 --out {tmp}/a-file", "is a file, not a directory"),
                Arguments.of("bench --json {tmp}/a-file/b.json --shapes seed", "a-file is a file, not a directory"),
                Arguments.of("bench --json {tmp}/folder --shapes seed", "is a directory, not a file"),
                Arguments.of("patches", "Missing required option: '--kernel"),
                Arguments.of("patches --kernel x", "Invalid value for option '--kernel'"),
                Arguments.of("patches --kernel 3 --bogus", "Unknown option: '--bogus'"),
                Arguments.of("patches --kernel 3 --backend cuda", "--backend must be auto, java or opencl"),
                Arguments.of("patches --kernel 3 --backend java --device gpu", "--device selects an OpenCL device"),
                Arguments.of("reconstruct --kernel 8 --mode median", "--mode must be sum, mean, weighted or max"),
                Arguments.of("reconstruct --kernel 8 --blend kaiser", "blend must be constant, gaussian, hann or triangular, but got 'kaiser'"),
                Arguments.of("reconstruct --kernel 8 --mode sum --blend hann", "--blend weights the tiles of --mode weighted"),
                Arguments.of("reconstruct --kernel 8 --blend gaussian --sigma-scale -1", "--sigma-scale must be a finite number above 0"),
                Arguments.of("reconstruct --kernel 8 --tile-op sharpen", "--tile-op must be none, blur or invert"),
                Arguments.of("filter --kind laplace", "--kind must be gaussian, sobel-x, sobel-y or box"),
                Arguments.of("filter --size five", "Invalid value for option '--size'"),
                Arguments.of("bench --shapes resnet", "no shape named 'resnet'"),
                Arguments.of("patches --kernel 3 --padding 1 --padding-mode mirror",
                        "--padding-mode must be zeros, reflect, replicate or circular, not 'mirror'"),
                Arguments.of("patches --kernel 3 --dtype float8", "--dtype must be float32, float64, uint8, int32 or float16, not 'float8'"),
                Arguments.of("patches --kernel 3 --dtype bfloat16", "--dtype bfloat16 cannot be written to patches.npy: NumPy has no bfloat16 type"),
                Arguments.of("reconstruct --kernel 8 --dtype float16", "--dtype float16 cannot be folded"),
                Arguments.of("patches --kernel 3 --layout chw", "--layout must be nchw or nhwc, not 'chw'"),
                Arguments.of("patches --kernel 3 --output-layout rows", "--output-layout must be columns or patches, not 'rows'"),
                Arguments.of("patches --kernel 3 --padding 288 --padding-mode reflect",
                        "--padding-mode reflect needs --padding smaller than the image, but got padding 288 for an image of 288x448"),
                Arguments.of("patches --kernel 3 --padding 5,448 --padding-mode reflect", "--padding-mode reflect needs"),
                Arguments.of("patches --kernel 3 --padding 289,1 --padding-mode circular",
                        "--padding-mode circular needs --padding no larger than the image"),
                Arguments.of("patches --kernel 3 --padding -1 --padding-mode replicate", "--padding must not be negative"),
                Arguments.of("patches --kernel 300 --padding 5 --padding-mode replicate", "larger than the padded image"),
                Arguments.of("reconstruct --kernel 8 --dtype uint8",
                        "--dtype uint8 cannot be folded: fold sums float32 or float64 values"),
                Arguments.of("reconstruct --kernel 8 --dtype int32", "--dtype int32 cannot be folded"),
                Arguments.of("reconstruct --kernel 8 --dtype double64", "--dtype must be float32 or float64, not 'double64'"),
                Arguments.of("reconstruct --kernel 8 --padding-mode wrap", "--padding-mode must be zeros, reflect"),
                Arguments.of("reconstruct --kernel 8 --layout hwc", "--layout must be nchw or nhwc"),
                Arguments.of("reconstruct --kernel 8 --padding 448 --padding-mode reflect", "--padding-mode reflect needs"),
                Arguments.of("reconstruct --kernel 8 --padding 500 --padding-mode circular", "--padding-mode circular needs"),
                Arguments.of("reconstruct --kernel 8 --padding -2", "--padding must not be negative"),
                Arguments.of("reconstruct --kernel 8 --output-layout patches", "Unknown option: '--output-layout'"),
                Arguments.of("frobnicate", "Unmatched argument"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void oneLineExitTwoNoOutput(String command, String expected) throws IOException {
        List<String> args = new ArrayList<>();
        for (String a : command.split(" ")) {
            args.add(a.replace("{tmp}", tmp.toString()));
        }
        if (!command.contains("--out") && !command.contains("--json") && !args.get(0).equals("bench")
                && !args.get(0).equals("frobnicate")) {
            args.add("--out");
            args.add(out.toString());
        }
        List<String> before = Cli.names(tmp);
        Cli.Run r = Cli.run(args.toArray(new String[0]));
        String line = Cli.assertOneLineError(r);
        assertTrue(line.contains(expected), () -> "'" + line + "' should contain '" + expected + "'");
        assertTrue(line.startsWith("unfold4j"), line);
        assertEquals(before, Cli.names(tmp), "nothing was written or created");
        assertFalse(Files.exists(out));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void badInputOnEachBackend(String backend) throws IOException {
        Cli.assumeBackend(backend);
        List<String> before = Cli.names(tmp);
        String[][] runs = {
            {"patches", "--kernel", "289", "--out", out.toString()},
            {"reconstruct", "--kernel", "8", "--stride", "0", "--out", out.toString()},
            {"patches", "--kernel", "3", "--padding", "288", "--padding-mode", "reflect", "--dtype", "uint8",
                "--layout", "nhwc", "--out", out.toString()},
            {"reconstruct", "--kernel", "8", "--dtype", "uint8", "--layout", "nhwc", "--out", out.toString()},
            {"reconstruct", "--kernel", "8", "--padding", "449", "--padding-mode", "circular", "--out", out.toString()},
            {"filter", text.toString(), "--out", out.toString()},
            {"demo", "--out", tmp.resolve("a-file").toString()},
            {"bench", "--shapes", "seed", "--json", tmp.resolve("a-file").resolve("x.json").toString()},
        };
        for (String[] run : runs) {
            List<String> args = new ArrayList<>(Arrays.asList(run));
            args.add("--backend");
            args.add(backend);
            Cli.assertOneLineError(Cli.run(args.toArray(new String[0])));
            assertEquals(before, Cli.names(tmp), String.join(" ", args));
        }
    }

    @Test
    void deviceThatDoesNotExist() {
        String line = Cli.assertOneLineError(Cli.run("patches", "--kernel", "3", "--backend", "auto", "--device",
                "no-such-device-xyz", "--out", out.toString()));
        assertTrue(line.contains("no-such-device-xyz"), line);
        assertFalse(Files.exists(out));
    }

    @Test
    void aFailedWriteLeavesNoPartialOutput() throws IOException {
        // A non-empty directory where the contact sheet should go: writing succeeds, the final rename fails.
        Path dir = tmp.resolve("busy");
        Files.createDirectories(dir.resolve("contact-sheet.png"));
        Files.writeString(dir.resolve("contact-sheet.png").resolve("keep.txt"), "x");
        Cli.Run r = Cli.run("patches", "--kernel", "16", "--stride", "16", "--out", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        String line = r.err().strip();
        assertTrue(line.contains("contact-sheet.png"), line);
        assertEquals(List.of("contact-sheet.png"), Cli.names(dir), "no patches.npy and no temporary files");
    }

    @Test
    void unreadableFile() throws IOException {
        Path file = tmp.resolve("secret.png");
        try (InputStream in = ImageFiles.class.getResourceAsStream(ImageFiles.BUNDLED)) {
            Files.write(file, in.readAllBytes());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        Assumptions.assumeFalse(Files.isReadable(file), "running as root: every file is readable");
        String line = Cli.assertOneLineError(Cli.run("patches", file.toString(), "--kernel", "3", "--out",
                out.toString()));
        assertTrue(line.contains("cannot read image"), line);
    }

    @Test
    void unwritableDirectory() throws IOException {
        Path locked = tmp.resolve("locked");
        Files.createDirectory(locked);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(locked), "running as root: every directory is writable");
            String line = Cli.assertOneLineError(Cli.run("patches", "--kernel", "3", "--out",
                    locked.resolve("sub").toString()));
            assertTrue(line.contains("cannot write to output directory"), line);
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
