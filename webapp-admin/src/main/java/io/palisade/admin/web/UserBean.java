// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.ConsoleOperations;
import io.palisade.core.edge.UserNetworkStore;
import io.palisade.core.net.Cidr;
import io.palisade.core.net.NetworkList;
import io.palisade.core.subscriber.Subscriber;
import io.palisade.core.subscriber.SubscriberException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.util.Optional;

/**
 * One user's page: display name, enabled flag and allowed networks, a new SIP password (stored as HA1 only),
 * delete.
 */
@Named
@RequestScoped
public class UserBean {
    private String name;
    private Subscriber user;
    private String displayName;
    private boolean enabled;
    private String password;
    private String networks;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** Loads the user for the page (f:viewAction); an unknown name goes back to the list. */
    public void load() {
        Optional<Subscriber> s = Faces.services().subscribers().find(name);
        if (s.isEmpty()) {
            Faces.info("No user " + name + ".");
            Faces.redirect("/users.xhtml");
            return;
        }
        user = s.get();
        if (!jakarta.faces.context.FacesContext.getCurrentInstance().isPostback()) {
            displayName = user.displayName();
            enabled = user.enabled();
            UserNetworkStore store = Faces.services().userNetworks();
            networks = store == null ? null : String.join(", ",
                    store.of(name).networks().stream().map(Cidr::toString).toList());
        }
    }

    /** False when the host keeps no per-user networks: the field is not shown. */
    public boolean isNetworksAvailable() {
        return Faces.services().userNetworks() != null;
    }

    public String getNetworks() {
        return networks;
    }

    public void setNetworks(String networks) {
        this.networks = networks;
    }

    public Subscriber getUser() {
        return user;
    }

    public String getDisplayName() {
        return displayName;
    }

    public void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPassword() {
        return null;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public void save() {
        UserNetworkStore store = Faces.services().userNetworks();
        NetworkList nets = null;
        if (store != null) {
            try { // read before anything is saved: a bad network leaves the whole form unsaved
                nets = ConsoleOperations.parseNetworks(ConsoleOperations.splitNetworks(networks));
            } catch (ConsoleOperations.Invalid e) {
                Faces.error("edit:networks", e.getMessage());
                return;
            }
        }
        // no audit entry when the list is the same (in any order: the store keeps no order)
        NetworkList changed = nets == null || java.util.Set.copyOf(nets.networks())
                .equals(java.util.Set.copyOf(store.of(name).networks())) ? null : nets;
        run(() -> {
            ConsoleOperations ops = ops();
            ops.setDisplayName(Faces.actor(), name, displayName);
            ops.setEnabled(Faces.actor(), name, enabled);
            if (changed != null) {
                ops.setNetworks(Faces.actor(), name, changed);
            }
        }, "User " + name + " saved.", "/user.xhtml?name=" + name);
    }

    public void resetPassword() {
        if (password == null || password.length() < 8) {
            Faces.error("pw:password", "Use at least 8 characters.");
            return;
        }
        char[] pw = Faces.chars(password);
        password = null;
        run(() -> ops().setPassword(Faces.actor(), name, pw), "New SIP password set for " + name + ".",
                "/user.xhtml?name=" + name);
    }

    public void delete() {
        run(() -> ops().deleteUser(Faces.actor(), name), "User " + name + " deleted.", "/users.xhtml");
    }

    private static ConsoleOperations ops() {
        return ConsoleOperations.of(Faces.services());
    }

    private static void run(Runnable action, String done, String next) {
        try {
            action.run();
        } catch (SubscriberException | ConsoleOperations.Forbidden | ConsoleOperations.NotFound e) {
            Faces.error(null, e.getMessage());
            return;
        }
        Faces.info(done);
        Faces.redirect(next);
    }
}
