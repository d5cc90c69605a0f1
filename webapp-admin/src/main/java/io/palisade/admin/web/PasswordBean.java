// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.core.admin.AdminException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/** Changing one's own console password (required after the first sign-in and after a reset). */
@Named
@RequestScoped
public class PasswordBean {
    private String current;
    private String next;
    private String confirm;

    public String getCurrent() {
        return null;
    }

    public void setCurrent(String current) {
        this.current = current;
    }

    public String getNext() {
        return null;
    }

    public void setNext(String next) {
        this.next = next;
    }

    public String getConfirm() {
        return null;
    }

    public void setConfirm(String confirm) {
        this.confirm = confirm;
    }

    public boolean isRequired() {
        return Faces.session().mustChangePassword();
    }

    public void change() {
        ConsoleSession s = Faces.session();
        String user = s.username().orElseThrow();
        if (next == null || !next.equals(confirm)) {
            Faces.error("password:confirm", "The two new passwords differ.");
            return;
        }
        try {
            Faces.services().admin().changePassword(user, Faces.chars(current), Faces.chars(next),
                    Faces.request().getRemoteAddr());
        } catch (AdminException e) {
            Faces.error("currentPassword".equals(e.field()) ? "password:current" : "password:next", e.getMessage());
            return;
        } finally {
            current = null;
            next = null;
            confirm = null;
        }
        Faces.request().changeSessionId(); // a session id seen before the change is dead from now on
        s.passwordChanged();
        Faces.info("Password changed.");
        Faces.redirect(ConsoleFilter.HOME);
    }
}
