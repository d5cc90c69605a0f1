// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.location;

/** The contract, on the JDBC store. */
class JdbcRegistrationStoreContractTest extends RegistrationStoreContract {
    @Override
    RegistrationStore store() {
        return new JdbcRegistrationStore(db.dataSource());
    }
}
