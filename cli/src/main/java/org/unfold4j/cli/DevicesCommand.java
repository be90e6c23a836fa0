package org.unfold4j.cli;

import java.util.List;
import java.util.Locale;
import org.unfold4j.OpenCLDevice;
import org.unfold4j.OpenCLRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code unfold4j devices}: the OpenCL platforms and devices, and what {@code --backend auto} picks. */
@Command(name = "devices", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"List the OpenCL platforms and devices (type, global memory, largest allocation, compute "
                + "units, fp64/fp16) and say which backend --backend auto picks, and why."},
        footer = {"", "Example:", "  unfold4j devices"})
final class DevicesCommand extends BaseCommand {
    @Option(names = "--device", paramLabel = "NAME",
            description = "Also say what auto picks with --device NAME.")
    String device;

    @Override
    public Integer call() {
        OpenCLRuntime runtime = OpenCLRuntime.get();
        if (!runtime.available()) {
            say("No OpenCL runtime: %s", runtime.unavailableReason());
            say("To get one: install your GPU vendor's OpenCL driver, or PoCL to run OpenCL on the CPU");
            say("(Debian/Ubuntu: apt-get install pocl-opencl-icd ocl-icd-opencl-dev; ci/install-opencl.sh does this).");
            say("The Java backend needs nothing and is always available.");
        } else {
            List<OpenCLDevice> devices = runtime.devices();
            String platform = null;
            int i = 0;
            for (OpenCLDevice d : devices) {
                if (!d.platformName().equals(platform)) {
                    platform = d.platformName();
                    say("platform: %s", platform);
                }
                say("  [%d] %s", i++, d.name());
                say("      type %s, global memory %s, max allocation %s, %d compute units, fp64 %s, fp16 %s",
                        d.type(), bytes(d.globalMemory()), bytes(d.maxAllocation()), d.computeUnits(),
                        d.fp64() ? "yes" : "no", d.fp16() ? "yes" : "no");
            }
        }
        BackendOptions.Choice choice = BackendOptions.autoChoice(device);
        say("--backend auto%s picks %s: %s", device == null ? "" : " --device " + device, choice.backend(),
                choice.why());
        return 0;
    }

    static String bytes(long b) {
        double gib = b / (1024.0 * 1024 * 1024);
        return gib >= 1 ? String.format(Locale.ROOT, "%.1f GiB", gib)
                : String.format(Locale.ROOT, "%.0f MiB", b / (1024.0 * 1024));
    }
}
