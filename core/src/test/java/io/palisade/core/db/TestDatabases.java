// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.db;

import java.nio.file.Path;

/** Opens real H2 file databases for tests, as the server does. */
public final class TestDatabases {
    static {
        // As the server process does: the AUTO_SERVER port listens on loopback only.
        System.setProperty("h2.bindAddress", "127.0.0.1");
    }

    private TestDatabases() {
    }

    public static Database open(Path dir) {
        return Database.open(DatabaseConfig.h2File(dir));
    }
}
