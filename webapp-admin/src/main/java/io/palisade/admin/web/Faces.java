// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.Actor;
import io.palisade.admin.AdminServices;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;

/** What the page beans need from the current Faces request, in one place. */
final class Faces {
    private Faces() {
    }

    static ExternalContext external() {
        return FacesContext.getCurrentInstance().getExternalContext();
    }

    static HttpServletRequest request() {
        return (HttpServletRequest) external().getRequest();
    }

    static AdminServices services() {
        return AdminServices.from((ServletContext) external().getContext());
    }

    static ConsoleSession session() {
        return ConsoleSession.getOrCreate(request());
    }

    /** The signed-in actor; the console filter lets no page run without one except sign-in and password. */
    static Actor actor() {
        return session().actor(request().getRemoteAddr())
                .orElseThrow(() -> new IllegalStateException("not signed in"));
    }

    static void error(String clientId, String message) {
        FacesContext.getCurrentInstance().addMessage(clientId, new FacesMessage(FacesMessage.SEVERITY_ERROR, message, null));
    }

    static void info(String message) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, message, null));
        external().getFlash().setKeepMessages(true);
    }

    static void redirect(String page) {
        try {
            external().redirect(external().getRequestContextPath() + page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static char[] chars(String s) {
        return s == null ? new char[0] : s.toCharArray();
    }
}
