// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import java.util.List;
import java.util.Optional;

/** Storage port for admin console accounts. Implementations throw {@link AdminException} when storage fails. */
public interface AdminAccountStore {

    Optional<AdminAccount> find(String username);

    /** All accounts, ordered by user name (there are few). */
    List<AdminAccount> list();

    int count();

    /** @throws AdminException when the user name is taken */
    void create(AdminAccount account);

    /** @return false when the account does not exist */
    boolean updatePassword(String username, String passwordHash, boolean mustChange);

    /** @return false when the account does not exist */
    boolean setEnabled(String username, boolean enabled);

    /** @return false when the account does not exist */
    boolean setRole(String username, AdminRole role);

    /** @return false when the account did not exist */
    boolean delete(String username);
}
