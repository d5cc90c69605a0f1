package io.palisade.server;

import io.palisade.core.call.CallRecord;
import io.palisade.core.call.JdbcCallRecordStore;
import io.palisade.core.db.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code palisade calls ...}: calls in progress and recent call records. */
@Command(name = "calls", description = "Show calls in progress and call records.",
        subcommands = {CallCommands.ListCalls.class})
final class CallCommands {
    @ParentCommand
    Main main;

    @Command(name = "list", description = "List calls in progress (or, with --recent N, the N latest call records).")
    static final class ListCalls implements Callable<Integer> {
        @ParentCommand
        CallCommands parent;

        @Option(names = "--recent", paramLabel = "N", description = "show the N most recent records, ended ones too")
        int recent;

        @Override
        public Integer call() throws Exception {
            var config = parent.main.config();
            Logging.configure("WARN");
            try (Database db = PalisadeServer.openDatabase(config)) {
                JdbcCallRecordStore store = new JdbcCallRecordStore(db.dataSource());
                List<CallRecord> rows = recent > 0 ? store.recent(recent) : store.active();
                Instant now = Instant.now();
                System.out.printf("%-20s %-20s %-24s %-9s %-10s %-28s %-28s %s%n", "CALLER", "CALLEE", "STARTED",
                        "ANSWERED", "DURATION", "CALLER LEG", "CALLEE LEG", "END");
                for (CallRecord r : rows) {
                    Instant until = r.endedAt().orElse(now);
                    long secs = r.answeredAt().map(a -> Duration.between(a, until).toSeconds()).orElse(0L);
                    System.out.printf("%-20s %-20s %-24s %-9s %-10s %-28s %-28s %s%n", r.caller(), r.callee(),
                            r.startedAt().toString(), r.answeredAt().isPresent() ? "yes" : "no", secs + " s",
                            leg(r.aTransport(), r.aSuite(), r.aPacketsIn(), r.aPacketsOut()),
                            leg(r.bTransport(), r.bSuite(), r.bPacketsIn(), r.bPacketsOut()),
                            r.isActive() ? "(active)" : r.cause());
                }
                System.out.println(rows.size() + (recent > 0 ? " call record(s)" : " call(s) in progress"));
                return 0;
            }
        }

        private static String leg(String transport, String suite, long in, long out) {
            return (transport.isEmpty() ? "-" : transport) + "/" + (suite.isEmpty() ? "-" : suite)
                    + (in + out > 0 ? " " + in + "/" + out : "");
        }
    }
}
