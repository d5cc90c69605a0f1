package io.palisade.core.subscriber;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.core.config.ConfigException;
import io.palisade.core.db.Database;
import io.palisade.core.db.DatabaseConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealmBindingTest {
    @TempDir
    Path tmp;

    @Test
    void aRealmChangeWithUsersIsRefusedNamingTheStoredRealm() {
        try (Database db = Database.open(DatabaseConfig.h2File(tmp))) {
            RealmBinding.check(db.dataSource(), "first.example");
            assertDoesNotThrow(() -> RealmBinding.check(db.dataSource(), "second.example"), "no users yet: just recorded");
            new JdbcSubscriberDirectory(db.dataSource(), "second.example")
                    .add(new NewSubscriber("alice", "pw".toCharArray(), ""));
            assertDoesNotThrow(() -> RealmBinding.check(db.dataSource(), "second.example"));
            ConfigException e = assertThrows(ConfigException.class,
                    () -> RealmBinding.check(db.dataSource(), "third.example"));
            assertTrue(e.getMessage().contains("auth.realm=second.example"), e.getMessage());
        }
    }
}
