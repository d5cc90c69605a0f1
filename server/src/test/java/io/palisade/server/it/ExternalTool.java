package io.palisade.server.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real outside program (SIPp, stunnel, baresip, openssl) with a deadline and keeps its output. */
final class ExternalTool {
    /** The repository root: integration tests run in server/. */
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    record Result(int exitCode, String output) {
    }

    private ExternalTool() {
    }

    static Result run(Duration timeout, Path workDir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                // process killed
            }
        });
        reader.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            reader.join(5_000);
            throw new IllegalStateException(command.get(0) + " did not finish within " + timeout + ":\n" + out);
        }
        reader.join(5_000);
        return new Result(p.exitValue(), out.toString());
    }
}
