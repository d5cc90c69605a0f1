package io.palisade.server;

import io.palisade.core.db.Database;
import io.palisade.core.location.Binding;
import io.palisade.core.location.JdbcRegistrationStore;
import io.palisade.core.location.RegistrationStore;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code palisade registrations ...}: who is registered from where (the location service). */
@Command(name = "registrations", description = "Show current registrations (bindings).",
        subcommands = {RegistrationCommands.ListBindings.class})
final class RegistrationCommands {
    @ParentCommand
    Main main;

    @Command(name = "list", description = "List current bindings with the flow each came over and its remaining expiry.")
    static final class ListBindings implements Callable<Integer> {
        @ParentCommand
        RegistrationCommands parent;

        @Override
        public Integer call() throws Exception {
            var config = parent.main.config();
            Logging.configure("WARN");
            try (Database db = PalisadeServer.openDatabase(config)) {
                RegistrationStore store = new JdbcRegistrationStore(db.dataSource());
                Instant now = Instant.now();
                System.out.printf("%-32s %-48s %-5s %-24s %s%n", "ADDRESS OF RECORD", "CONTACT", "VIA", "FROM", "EXPIRES IN");
                int shown = 0;
                int total = store.count();
                for (int offset = 0; offset < total; offset += 500) {
                    for (Binding b : store.listAll(offset, 500)) {
                        long left = b.remainingSeconds(now);
                        if (left <= 0) {
                            continue;
                        }
                        System.out.printf("%-32s %-48s %-5s %-24s %d s%n", b.aor(), b.contactUri(), b.flow().transport(),
                                b.flow().remoteAddress() + ":" + b.flow().remotePort(), left);
                        shown++;
                    }
                }
                System.out.println(shown + " binding(s)");
                return 0;
            }
        }
    }
}
