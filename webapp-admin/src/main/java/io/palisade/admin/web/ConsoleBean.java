// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.core.admin.AdminRole;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/** The signed-in admin and the CSRF token, for the layout and every form; and signing out. */
@Named("console")
@RequestScoped
public class ConsoleBean {

    public String getCsrf() {
        return Faces.session().csrfToken();
    }

    public String getUser() {
        return Faces.session().username().orElse("");
    }

    public String getRole() {
        return Faces.session().role().map(AdminRole::token).orElse("");
    }

    public boolean isSignedIn() {
        ConsoleSession s = Faces.session();
        return s.signedIn() && !s.mustChangePassword();
    }

    public boolean isOperator() {
        return Faces.session().role().map(AdminRole::canOperate).orElse(false);
    }

    public boolean isAdministrator() {
        return Faces.session().role().map(AdminRole::canAdminister).orElse(false);
    }

    public void signOut() {
        ConsoleSession s = Faces.session();
        s.username().ifPresent(u -> Faces.services().admin().audit()
                .record("admin:" + u, "signout", null, Faces.request().getRemoteAddr(), "ok"));
        s.invalidate();
        Faces.redirect(ConsoleFilter.SIGN_IN + "?signedOut=true");
    }
}
