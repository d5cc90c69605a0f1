package io.palisade.server;

import io.palisade.core.config.ConfigException;
import io.palisade.core.config.ConfigLoader;
import io.palisade.core.config.PalisadeConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar palisade.jar}: starts the server (the default) or manages it from the command line. */
@Command(name = "palisade", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Palisade, a secure enterprise SIP server.",
        subcommands = {UserCommands.class, RegistrationCommands.class, CallCommands.class, SecurityCommands.Bans.class,
                SecurityCommands.Events.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "Configuration file (Java properties). Environment variables "
            + "PALISADE_<KEY> override it.")
    Path configFile;

    @Option(names = {"-d", "--data-dir"}, description = "Data directory (database, certificates). Default: ./palisade-data")
    Path dataDir;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ConfigException ce) {
                cmd.getErr().println("palisade: " + ce.getMessage());
                return 2;
            }
            throw ex;
        });
        int code = cl.execute(args);
        if (code != 0 || args.length > 0) {
            System.exit(code);
        }
    }

    /** The configuration every command uses: defaults, the file, the environment, then flags. */
    PalisadeConfig config() {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (dataDir != null) {
            overrides.put("data.dir", dataDir.toString());
        }
        return ConfigLoader.load(Optional.ofNullable(configFile), System.getenv(), overrides);
    }

    @Override
    public Integer call() throws Exception {
        return serve();
    }

    @Command(name = "serve", description = "Start the server (what happens with no command).")
    int serve() throws Exception {
        PalisadeConfig config = config();
        Logging.configure(config.logLevel());
        PalisadeServer server = new PalisadeServer(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.out.println("Palisade stopping");
            server.close();
            System.out.println("Palisade stopped");
            stopped.countDown();
        }, "palisade-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.start();
        } catch (Exception | Error e) {
            System.err.println("palisade: start-up failed: " + causes(e));
            if (Boolean.getBoolean("palisade.trace")) {
                e.printStackTrace();
            }
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
            if (e instanceof ConfigException ce) {
                throw ce;
            }
            return 1;
        }
        stopped.await();
        return 0;
    }

    /** The chain of causes, one per line, so the root of a container failure is visible without a stack trace. */
    static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e));
        java.util.Set<Throwable> seen = new java.util.HashSet<>();
        for (Throwable c = e.getCause(); c != null && seen.add(c); c = c.getCause()) {
            sb.append("\n  caused by: ").append(c);
        }
        return sb.toString();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"Palisade " + (v == null ? "(development build)" : v)};
        }
    }
}
