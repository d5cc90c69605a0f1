// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.Actor;
import io.palisade.admin.api.AdminsResource.AdminView;
import io.palisade.core.admin.AdminException;
import io.palisade.core.admin.AdminRole;
import io.palisade.core.admin.AdminService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.util.List;

/**
 * The console accounts page (administrators only): create with a role, change the role, disable or enable, delete,
 * reset the password. A one-time password is shown once, in the answer to the request that made it, and never
 * stored in the session or the flash scope.
 */
@Named
@RequestScoped
public class AdminsBean {
    private String newUsername;
    private String newRole = "operator";
    private String oneTimeFor;
    private String oneTime;
    private List<AdminView> rows;

    public List<AdminView> getRows() {
        if (rows == null) {
            rows = allowed() ? Faces.services().admin().accounts().stream().map(AdminView::of).toList() : List.of();
        }
        return rows;
    }

    public List<String> getRoles() {
        return List.of("administrator", "operator", "auditor");
    }

    public String getNewUsername() {
        return newUsername;
    }

    public void setNewUsername(String newUsername) {
        this.newUsername = newUsername;
    }

    public String getNewRole() {
        return newRole;
    }

    public void setNewRole(String newRole) {
        this.newRole = newRole;
    }

    public String getOneTime() {
        return oneTime;
    }

    public String getOneTimeFor() {
        return oneTimeFor;
    }

    public void create() {
        run(a -> {
            AdminRole role = AdminRole.fromToken(newRole).orElseThrow(() -> new AdminException("role", "choose a role"));
            oneTime = admin().createAccount(a.name(), newUsername == null ? null : newUsername.strip(), role, a.source());
            oneTimeFor = newUsername.strip();
            newUsername = null;
            Faces.info("Account " + oneTimeFor + " (" + role.token() + ") created.");
        }, "create:username");
    }

    public void changeRole(String username, String role) {
        run(a -> {
            AdminRole r = AdminRole.fromToken(role).orElseThrow(() -> new AdminException("role", "choose a role"));
            found(admin().changeRole(a.name(), username, r, a.source()), username);
            Faces.info(username + " is now " + r.token() + ".");
        }, null);
    }

    public void setEnabled(String username, boolean enabled) {
        run(a -> {
            found(admin().setAccountEnabled(a.name(), username, enabled, a.source()), username);
            Faces.info(username + (enabled ? " enabled." : " disabled; its sessions end at their next request."));
        }, null);
    }

    public void delete(String username) {
        run(a -> {
            found(admin().deleteAccount(a.name(), username, a.source()), username);
            Faces.info("Account " + username + " deleted.");
        }, null);
    }

    public void resetPassword(String username) {
        run(a -> {
            oneTime = admin().resetPassword(a.name(), username, a.source())
                    .orElseThrow(() -> new AdminException("username", "no account " + username));
            oneTimeFor = username;
            Faces.info("New one-time password for " + username + "; it must be changed at the next sign-in.");
        }, null);
    }

    private interface Action {
        void run(Actor actor);
    }

    /** Runs for administrators only; a refusal becomes a message and nothing typed is lost. */
    private void run(Action action, String fieldId) {
        if (!allowed()) {
            Faces.error(null, "Only administrators manage console accounts.");
            return;
        }
        try {
            action.run(Faces.actor());
            rows = null;
        } catch (AdminException e) {
            Faces.error("username".equals(e.field()) ? fieldId : null, e.getMessage());
        }
    }

    private static void found(boolean found, String username) {
        if (!found) {
            throw new AdminException("username", "no account " + username);
        }
    }

    private static boolean allowed() {
        return Faces.session().role().map(AdminRole::canAdminister).orElse(false);
    }

    private static AdminService admin() {
        return Faces.services().admin();
    }
}
