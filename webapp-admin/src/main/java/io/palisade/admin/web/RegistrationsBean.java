// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.ConsoleOperations;
import io.palisade.admin.api.RegistrationsResource.RegistrationView;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.List;

/** The registrations page: live bindings, and removing one. */
@Named
@RequestScoped
public class RegistrationsBean {
    private List<RegistrationView> rows;

    public List<RegistrationView> getRows() {
        if (rows == null) {
            Instant now = Faces.services().clock().instant();
            rows = Faces.services().registrations().listAll(0, 1000).stream().filter(b -> b.isLive(now))
                    .map(b -> RegistrationView.of(b, now)).toList();
        }
        return rows;
    }

    public void remove(String aor, String contact) {
        try {
            ConsoleOperations.of(Faces.services()).removeBinding(Faces.actor(), aor, contact);
        } catch (ConsoleOperations.Forbidden | ConsoleOperations.NotFound e) {
            Faces.error(null, e.getMessage());
            return;
        }
        Faces.info("Removed " + contact + ".");
        Faces.redirect("/registrations.xhtml");
    }
}
