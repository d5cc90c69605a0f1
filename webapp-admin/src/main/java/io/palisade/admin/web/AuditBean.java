// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.core.admin.AuditEvent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.util.List;

/** The audit page, newest first, 50 to a page. */
@Named
@RequestScoped
public class AuditBean {
    static final int PAGE = 50;
    private int page;

    public int getPage() {
        return page;
    }

    public void setPage(int page) {
        this.page = Math.max(0, page);
    }

    public List<AuditEvent> getRows() {
        return Faces.services().admin().audit().list(page * PAGE, PAGE);
    }

    public boolean isHasNext() {
        return (page + 1) * PAGE < Faces.services().admin().audit().count();
    }
}
