package io.palisade.server;

import io.palisade.core.db.Database;
import io.palisade.core.subscriber.CsvParse;
import io.palisade.core.subscriber.CsvSubscriberImport;
import io.palisade.core.subscriber.JdbcSubscriberDirectory;
import io.palisade.core.subscriber.NewSubscriber;
import io.palisade.core.subscriber.Subscriber;
import io.palisade.core.subscriber.SubscriberDirectory;
import io.palisade.core.subscriber.SubscriberException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code palisade user ...}: manage SIP users in the subscriber directory. Passwords are turned into HA1 at once. */
@Command(name = "user", description = "Add, list, disable, enable, remove and import SIP users.",
        subcommands = {UserCommands.Add.class, UserCommands.ListUsers.class, UserCommands.Disable.class,
            UserCommands.Enable.class, UserCommands.Remove.class, UserCommands.Passwd.class, UserCommands.Import.class,
            UserCommands.Networks.class})
final class UserCommands {
    @ParentCommand
    Main main;

    /** Runs {@code action} against the directory with the realm the server uses. */
    int withDirectory(DirectoryAction action) throws Exception {
        var config = main.config();
        Logging.configure("WARN");
        Domains domains = Domains.resolve(config);
        try (Database db = PalisadeServer.openDatabase(config)) {
            io.palisade.core.subscriber.RealmBinding.check(db.dataSource(), domains.realm());
            return action.run(new JdbcSubscriberDirectory(db.dataSource(), domains.realm()));
        } catch (SubscriberException e) {
            System.err.println("palisade: " + e.getMessage());
            return 1;
        }
    }

    interface DirectoryAction {
        int run(SubscriberDirectory directory) throws Exception;
    }

    static char[] readPassword(boolean fromStdin) throws IOException {
        if (fromStdin) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                throw new SubscriberException("no password on standard input");
            }
            return line.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new SubscriberException("no terminal to ask for the password: use --password-stdin");
        }
        char[] first = console.readPassword("SIP password: ");
        char[] second = console.readPassword("Again: ");
        try {
            if (first == null || first.length == 0 || !Arrays.equals(first, second)) {
                throw new SubscriberException("the two passwords are empty or differ");
            }
            return first.clone();
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    @Command(name = "add", description = "Add a SIP user.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        UserCommands parent;
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @Option(names = "--display-name")
        String displayName;
        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            return parent.withDirectory(dir -> {
                char[] pw = readPassword(passwordStdin);
                try {
                    dir.add(new NewSubscriber(user, pw, displayName == null ? "" : displayName));
                } finally {
                    Arrays.fill(pw, '\0');
                }
                System.out.println("added user " + user + " (realm " + dir.realm() + ")");
                return 0;
            });
        }
    }

    @Command(name = "networks", description = "Show or set the networks a user may register from (none: anywhere).")
    static final class Networks implements Callable<Integer> {
        @ParentCommand
        UserCommands parent;
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @Parameters(index = "1..*", arity = "0..*", paramLabel = "CIDR", description = "e.g. 10.0.0.0/8 2001:db8::/32")
        java.util.List<String> networks = new java.util.ArrayList<>();
        @Option(names = "--clear", description = "lift the restriction")
        boolean clear;

        @Override
        public Integer call() throws Exception {
            java.util.List<io.palisade.core.net.Cidr> parsed = new java.util.ArrayList<>();
            for (String n : networks) {
                java.util.Optional<io.palisade.core.net.Cidr> c = io.palisade.core.net.Cidr.parse(n);
                if (c.isEmpty()) {
                    System.err.println("palisade: CIDR: '" + n + "' is not a network in CIDR form (like 10.0.0.0/8)");
                    return 2;
                }
                parsed.add(c.get());
            }
            if (clear && !parsed.isEmpty()) {
                System.err.println("palisade: give either --clear or networks, not both");
                return 2;
            }
            var config = parent.main.config();
            Logging.configure("WARN");
            try (Database db = PalisadeServer.openDatabase(config)) {
                var directory = new JdbcSubscriberDirectory(db.dataSource(), Domains.resolve(config).realm());
                if (directory.find(user).isEmpty()) {
                    System.err.println("palisade: no user '" + user + "'");
                    return 1;
                }
                var store = new io.palisade.core.edge.JdbcUserNetworkStore(db.dataSource());
                if (clear || !parsed.isEmpty()) {
                    store.set(user, new io.palisade.core.net.NetworkList(parsed));
                }
                io.palisade.core.net.NetworkList now = store.of(user);
                System.out.println(user + " may register from " + (now.isEmpty() ? "anywhere" : now.networks().toString()));
                return 0;
            }
        }
    }

    @Command(name = "passwd", description = "Set a SIP user's password.")
    static final class Passwd implements Callable<Integer> {
        @ParentCommand
        UserCommands parent;
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @Option(names = "--password-stdin")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            return parent.withDirectory(dir -> {
                char[] pw = readPassword(passwordStdin);
                try {
                    return report(dir.setPassword(user, pw), "password set for " + user, user);
                } finally {
                    Arrays.fill(pw, '\0');
                }
            });
        }
    }

    @Command(name = "list", description = "List SIP users.")
    static final class ListUsers implements Callable<Integer> {
        @ParentCommand
        UserCommands parent;

        @Override
        public Integer call() throws Exception {
            return parent.withDirectory(dir -> {
                int total = dir.count();
                System.out.printf("%-32s %-8s %s%n", "USER", "ENABLED", "DISPLAY NAME");
                for (int offset = 0; offset < total; offset += 500) {
                    for (Subscriber s : dir.list(offset, 500)) {
                        System.out.printf("%-32s %-8s %s%n", s.username(), s.enabled() ? "yes" : "no",
                                s.displayName() == null ? "" : s.displayName());
                    }
                }
                System.out.println(total + " user(s)");
                return 0;
            });
        }
    }

    /** A command that changes one named user and reports whether that user existed. */
    abstract static class OneUser implements Callable<Integer> {
        @ParentCommand
        UserCommands parent;
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        abstract boolean change(SubscriberDirectory dir);

        abstract String done();

        @Override
        public Integer call() throws Exception {
            return parent.withDirectory(dir -> report(change(dir), done() + " " + user, user));
        }
    }

    @Command(name = "disable", description = "Disable a SIP user (kept, but cannot authenticate).")
    static final class Disable extends OneUser {
        boolean change(SubscriberDirectory dir) {
            return dir.setEnabled(user, false);
        }

        String done() {
            return "disabled";
        }
    }

    @Command(name = "enable", description = "Enable a disabled SIP user.")
    static final class Enable extends OneUser {
        boolean change(SubscriberDirectory dir) {
            return dir.setEnabled(user, true);
        }

        String done() {
            return "enabled";
        }
    }

    @Command(name = "remove", description = "Remove a SIP user.")
    static final class Remove extends OneUser {
        boolean change(SubscriberDirectory dir) {
            return dir.remove(user);
        }

        String done() {
            return "removed";
        }
    }

    @Command(name = "import", description = "Import users from a CSV file: user,password[,display name]. "
            + "All or nothing: one bad line and nothing is imported.")
    static final class Import implements Callable<Integer> {
        @ParentCommand
        UserCommands parent;
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            CsvParse parsed;
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                parsed = CsvSubscriberImport.parse(r);
            } catch (IOException e) {
                System.err.println("palisade: cannot read " + file + ": " + e.getMessage());
                return 1;
            }
            if (parsed instanceof CsvParse.Invalid bad) {
                System.err.println("palisade: " + file + " was not imported:");
                bad.problems().forEach(p -> System.err.println("  " + p));
                return 1;
            }
            List<NewSubscriber> users = ((CsvParse.Ok) parsed).subscribers();
            return parent.withDirectory(dir -> {
                int n = dir.importAll(users);
                System.out.println("imported " + n + " user(s) from " + file);
                return 0;
            });
        }
    }

    static int report(boolean done, String message, String user) {
        if (done) {
            System.out.println(message);
            return 0;
        }
        System.err.println("palisade: no such user: " + user);
        return 1;
    }
}
