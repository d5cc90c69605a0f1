// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract, on the write-back store (its writer idle: an hour's interval), and after each case the database
 * written at close must hold exactly what memory held.
 */
class WriteBackRegistrationStoreContractTest extends RegistrationStoreContract {
    private WriteBackRegistrationStore store;

    @BeforeEach
    void openStore() {
        store = WriteBackRegistrationStore.open(new JdbcRegistrationStore(db.dataSource()), Duration.ofHours(1));
    }

    @AfterEach
    void theDatabaseHoldsWhatMemoryHeld() {
        List<Binding> memory = store.listAll(0, 10_000);
        store.close();
        assertEquals(memory, new JdbcRegistrationStore(db.dataSource()).listAll(0, 10_000));
    }

    @Override
    RegistrationStore store() {
        return store;
    }

    @Override
    void flushed(RegistrationStore s) {
        assertTrue(((WriteBackRegistrationStore) s).flush());
    }
}
