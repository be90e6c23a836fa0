import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * A stand-in for bench/torch_cpu_peer.py in CommandsTest: the same line protocol (info, shape,
 * unfold, fold, quit), each call "taking" a fixed 1000 ns, so that the bench's --torch-cpu rows can
 * be checked without PyTorch. Run as a single-file program (java FakeTorchPeer.java).
 */
public class FakeTorchPeer {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        for (String line; (line = in.readLine()) != null; ) {
            String cmd = line.trim().split("\\s+")[0];
            switch (cmd) {
                case "info" -> System.out.println("fake peer");
                case "shape" -> System.out.println(line.trim().split("\\s+").length == 10 ? "ok" : "error bad shape");
                case "unfold", "fold" -> System.out.println("1000");
                case "quit" -> { return; }
                default -> System.out.println("error unknown request " + cmd);
            }
            System.out.flush();
        }
    }
}
