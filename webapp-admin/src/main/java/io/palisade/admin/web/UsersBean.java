// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.ConsoleOperations;
import io.palisade.core.subscriber.Subscriber;
import io.palisade.core.subscriber.SubscriberException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.util.List;

/** The users page: search with paging, and the form to create a user. */
@Named
@RequestScoped
public class UsersBean {
    static final int PAGE = 25;

    private String q;
    private int page;
    private List<Subscriber> rows;
    private String newUsername;
    private String newPassword;
    private String newDisplayName;

    public String getQ() {
        return q;
    }

    public void setQ(String q) {
        this.q = q;
    }

    public int getPage() {
        return page;
    }

    public void setPage(int page) {
        this.page = Math.max(0, page);
    }

    public List<Subscriber> getRows() {
        if (rows == null) {
            rows = Faces.services().subscribers().search(q, page * PAGE, PAGE);
        }
        return rows;
    }

    public int getTotal() {
        return Faces.services().subscribers().countMatching(q);
    }

    public boolean isHasNext() {
        return (page + 1) * PAGE < getTotal();
    }

    public String getNewUsername() {
        return newUsername;
    }

    public void setNewUsername(String newUsername) {
        this.newUsername = newUsername;
    }

    public String getNewPassword() {
        return null;
    }

    public void setNewPassword(String newPassword) {
        this.newPassword = newPassword;
    }

    public String getNewDisplayName() {
        return newDisplayName;
    }

    public void setNewDisplayName(String newDisplayName) {
        this.newDisplayName = newDisplayName;
    }

    public void create() {
        if (newPassword == null || newPassword.length() < 8) {
            Faces.error("create:password", "Use at least 8 characters.");
            return;
        }
        try {
            ConsoleOperations.of(Faces.services()).createUser(Faces.actor(), newUsername, Faces.chars(newPassword),
                    newDisplayName);
        } catch (SubscriberException e) {
            Faces.error("create:username", e.getMessage());
            return;
        } catch (ConsoleOperations.Forbidden e) {
            Faces.error(null, e.getMessage());
            return;
        } finally {
            newPassword = null;
        }
        Faces.info("User " + newUsername + " created.");
        Faces.redirect("/users.xhtml?q=" + java.net.URLEncoder.encode(newUsername, java.nio.charset.StandardCharsets.UTF_8));
    }
}
