// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin;

import jakarta.servlet.ServletContext;

/**
 * How a host that cannot set the {@link AdminServices#ATTRIBUTE} attribute before the console starts (an
 * application server deploying the WAR) supplies the core services: a {@link java.util.ServiceLoader} provider
 * on the web application's class path. The embedded server sets the attribute and needs none.
 */
public interface AdminServicesProvider {
    AdminServices provide(ServletContext context);
}
