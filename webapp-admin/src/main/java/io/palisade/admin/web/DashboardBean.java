// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.api.DashboardResource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/** The dashboard's first rendering; console.js refreshes the figures from {@code /api/v1/dashboard}. */
@Named
@RequestScoped
public class DashboardBean {
    private DashboardResource.Dashboard snapshot;

    public DashboardResource.Dashboard getNow() {
        if (snapshot == null) {
            snapshot = DashboardResource.snapshot(Faces.services());
        }
        return snapshot;
    }
}
