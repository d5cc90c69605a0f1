// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server;

import io.palisade.core.db.Database;
import io.palisade.core.edge.Ban;
import io.palisade.core.edge.JdbcBanStore;
import io.palisade.core.edge.JdbcSecurityEventStore;
import io.palisade.core.edge.SecurityEvent;
import io.palisade.core.net.Cidr;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code palisade bans ...} and {@code palisade events ...}: what the edge banned and saw. Works while the server
 * runs: a running server takes in a lifted ban within a few seconds.
 */
final class SecurityCommands {
    private SecurityCommands() {
    }

    @Command(name = "bans", description = "Show and lift bans of source addresses.",
            subcommands = {ListBans.class, LiftBan.class})
    static final class Bans {
        @ParentCommand
        Main main;
    }

    @Command(name = "list", description = "List active bans with reason and expiry.")
    static final class ListBans implements Callable<Integer> {
        @ParentCommand
        Bans parent;

        @Override
        public Integer call() throws Exception {
            var config = parent.main.config();
            Logging.configure("WARN");
            try (Database db = PalisadeServer.openDatabase(config)) {
                Instant now = Instant.now();
                System.out.printf("%-40s %-10s %-8s %s%n", "ADDRESS", "ENDS IN", "OFFENCE", "REASON");
                int n = 0;
                for (Ban b : new JdbcBanStore(db.dataSource()).all()) {
                    if (b.activeAt(now)) {
                        System.out.printf("%-40s %-10s %-8d %s%n", b.address(),
                                Duration.between(now, b.until()).toSeconds() + " s", b.offences(), b.reason());
                        n++;
                    }
                }
                System.out.println(n + " active ban(s)");
                return 0;
            }
        }
    }

    @Command(name = "lift", description = "Lift the ban of an address now (a repeat offence still counts as one).")
    static final class LiftBan implements Callable<Integer> {
        @ParentCommand
        Bans parent;

        @Parameters(index = "0", paramLabel = "ADDRESS", description = "the banned IP address")
        String address;

        @Override
        public Integer call() throws Exception {
            if (Cidr.parse(address).isEmpty() || address.contains("/")) {
                System.err.println("palisade: ADDRESS: '" + address + "' is not an IP address");
                return 2;
            }
            var config = parent.main.config();
            Logging.configure("WARN");
            try (Database db = PalisadeServer.openDatabase(config)) {
                JdbcBanStore store = new JdbcBanStore(db.dataSource());
                Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // as the database keeps it
                Optional<Ban> b = store.find(address).filter(x -> x.activeAt(now));
                if (b.isEmpty()) {
                    System.err.println("palisade: " + address + " is not banned");
                    return 1;
                }
                store.save(new Ban(b.get().address(), b.get().reason(), b.get().since(), now, b.get().offences()));
                System.out.println("lifted the ban of " + address);
                return 0;
            }
        }
    }

    @Command(name = "events", description = "Show recent security events.", subcommands = {ListEvents.class})
    static final class Events {
        @ParentCommand
        Main main;
    }

    @Command(name = "list", description = "List security events, newest first.")
    static final class ListEvents implements Callable<Integer> {
        @ParentCommand
        Events parent;

        @Option(names = "--since", description = "how far back, in minutes (default ${DEFAULT-VALUE})", defaultValue = "60")
        int minutes;

        @Option(names = "--limit", description = "at most this many (default ${DEFAULT-VALUE})", defaultValue = "100")
        int limit;

        @Override
        public Integer call() throws Exception {
            var config = parent.main.config();
            Logging.configure("WARN");
            try (Database db = PalisadeServer.openDatabase(config)) {
                var events = new JdbcSecurityEventStore(db.dataSource())
                        .recent(Instant.now().minus(Duration.ofMinutes(Math.max(1, minutes))), Math.max(1, limit));
                System.out.printf("%-24s %-18s %-40s %-16s %s%n", "TIME", "EVENT", "SOURCE", "USER", "DETAIL");
                for (SecurityEvent e : events) {
                    System.out.printf("%-24s %-18s %-40s %-16s %s%n", e.at(), e.kind().wireName(), e.source(),
                            e.user(), e.detail());
                }
                System.out.println(events.size() + " event(s)");
                return 0;
            }
        }
    }
}
