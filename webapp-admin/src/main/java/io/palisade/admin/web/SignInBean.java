// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.AdminConsoleInitializer;
import io.palisade.admin.ConsoleMetrics;
import io.palisade.core.admin.AdminService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;

/** The sign-in form. The same answer for an unknown user and a wrong password; throttled after failures. */
@Named
@RequestScoped
public class SignInBean {
    private String username;
    private String password;

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return null; // never rendered back
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public void signIn() {
        HttpServletRequest req = Faces.request();
        AdminService.SignIn result = Faces.services().admin().signIn(username, Faces.chars(password), req.getRemoteAddr());
        password = null;
        switch (result.status()) {
            case OK -> {
                req.changeSessionId(); // no session fixation: the pre-sign-in id is dead from now on
                Faces.session().signIn(result.account(), Faces.services().clock().instant());
                Faces.redirect(result.account().mustChangePassword() ? ConsoleFilter.PASSWORD : ConsoleFilter.HOME);
            }
            case THROTTLED -> {
                metrics().signInFailed();
                Faces.error(null, "Too many failed sign-ins. Try again in " + Math.max(1, result.retryAfter().toSeconds())
                        + " s.");
            }
            case REFUSED -> {
                metrics().signInFailed();
                Faces.error(null, "Wrong user name or password.");
            }
        }
    }

    private static ConsoleMetrics metrics() {
        return (ConsoleMetrics) Faces.external().getApplicationMap().get(AdminConsoleInitializer.CONSOLE_METRICS);
    }
}
