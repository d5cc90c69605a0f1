package io.palisade.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code palisade user ...} as an administrator uses it, on a data directory of its own (no server running). */
class UserCliIT {
    @TempDir
    Path tmp;

    private PalisadeProcess.Cli cli(String stdin, String... args) {
        return PalisadeProcess.cli(tmp.resolve("data"), null, stdin, args);
    }

    @Test
    void addListDisableEnableRemove() throws Exception {
        PalisadeProcess.Cli add = cli("s3cret-pass\n", "user", "add", "alice", "--display-name", "Alice Liddell",
                "--password-stdin");
        assertEquals(0, add.exitCode(), add.out());
        PalisadeProcess.Cli dup = cli("other\n", "user", "add", "alice", "--password-stdin");
        assertEquals(1, dup.exitCode());
        assertTrue(dup.out().contains("alice"), dup.out());
        PalisadeProcess.Cli badName = cli("x\n", "user", "add", "bad name", "--password-stdin");
        assertEquals(1, badName.exitCode());
        assertTrue(badName.out().contains("user"), badName.out());

        PalisadeProcess.Cli list = cli(null, "user", "list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("alice") && l.contains("yes") && l.contains("Alice Liddell")),
                list.out());
        assertFalse(list.out().contains("s3cret-pass"));
        assertEquals(0, cli(null, "user", "disable", "alice").exitCode());
        assertTrue(cli(null, "user", "list").out().lines().anyMatch(l -> l.startsWith("alice") && l.contains(" no ")));
        assertEquals(0, cli(null, "user", "enable", "alice").exitCode());
        assertEquals(0, cli(null, "user", "remove", "alice").exitCode());
        PalisadeProcess.Cli gone = cli(null, "user", "remove", "alice");
        assertEquals(1, gone.exitCode());
        assertTrue(gone.out().contains("no such user: alice"));

        // the database holds HA1 values, never the password
        byte[] db = Files.readAllBytes(tmp.resolve("data/palisade.mv.db"));
        assertFalse(new String(db, java.nio.charset.StandardCharsets.ISO_8859_1).contains("s3cret-pass"));
    }

    @Test
    void importIsAllOrNothingAndNamesTheBadLine() throws Exception {
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "user,password,display name\nann,pw1,Ann\nbo b,pw2,Bob\ncy,,Cy\n");
        PalisadeProcess.Cli r = cli(null, "user", "import", bad.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().contains("line 3"), r.out());
        assertTrue(r.out().contains("line 4"), r.out());
        assertTrue(cli(null, "user", "list").out().contains("0 user(s)"), "nothing imported");

        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            csv.append("user").append(i).append(",pw-").append(i).append(",\"Doe, User ").append(i).append("\"\n");
        }
        Path good = tmp.resolve("good.csv");
        Files.writeString(good, csv);
        r = cli(null, "user", "import", good.toString());
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().contains("imported 5000"), r.out());
        assertTrue(cli(null, "user", "list").out().contains("Doe, User 4999"));

        // importing again collides with existing users: refused, nothing half-written
        r = cli(null, "user", "import", good.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(cli(null, "user", "list").out().contains("5000 user(s)"));
    }
}
