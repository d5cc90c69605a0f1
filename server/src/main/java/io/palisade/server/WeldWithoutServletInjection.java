// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server;

import org.jboss.weld.environment.servlet.Container;
import org.jboss.weld.environment.servlet.ContainerContext;
import org.jboss.weld.resources.spi.ResourceLoader;

/**
 * Tells Weld Servlet which servlet container it runs in: none it knows. Left to guess, Weld finds Tomcat 7's
 * classes (the SIP container's) on the class path, takes the console's Jetty context for a Tomcat one and logs an
 * error. The console injects nothing into servlets or filters (they get their services through constructors), so
 * no container integration is needed: beans for the pages work without it.
 */
public final class WeldWithoutServletInjection implements Container {
    @Override
    public boolean touch(ResourceLoader loader, ContainerContext context) {
        return true;
    }

    @Override
    public void initialize(ContainerContext context) {
        // nothing to hook into
    }

    @Override
    public void destroy(ContainerContext context) {
        // nothing was hooked
    }
}
