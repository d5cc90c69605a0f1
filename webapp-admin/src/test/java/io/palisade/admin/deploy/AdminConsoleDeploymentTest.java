// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.admin.AdminServicesProvider;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deploys the console as a WAR into a real Jetty 12 ee10 web-app container (Arquillian): the container finds the
 * console's initializer, Weld, Mojarra and Jersey by itself, and the host supplies the services through an
 * {@link AdminServicesProvider}. What the embedded server does by hand must also work the standard way.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminConsoleDeploymentTest {

    static final String WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <listener><listener-class>com.sun.faces.config.ConfigureListener</listener-class></listener>
            </web-app>
            """;

    @Deployment(testable = false)
    static WebArchive war() {
        WebArchive war = ShrinkWrap.create(WebArchive.class, "console.war")
                .as(ExplodedImporter.class).importDirectory(new File("src/main/resources/META-INF/palisade-admin"))
                .as(WebArchive.class)
                // the console's classes (a bean archive, with its initializer in META-INF/services) and its
                // libraries reach the web app through the embedded container's class path, as WEB-INF/lib would
                .addAsServiceProvider(AdminServicesProvider.class, TestAdminServicesProvider.class)
                // Mojarra's set-up declared, not left to the order in which Jetty happens to run the class path's
                // initializers (with some orders Faces was never configured: "Could not find backup for factory
                // FacesContextFactory", every time on JDK 25, now and then on 17)
                .setWebXML(new org.jboss.shrinkwrap.api.asset.StringAsset(WEB_XML));
        return war;
    }

    static HttpResponse<String> get(URL base, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theWarServesPagesApiAndMetrics(@ArquillianResource URL base) throws Exception {
        HttpResponse<String> r = get(base, "/api/v1/users");
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));

        String bearer = "Bearer " + System.getProperty(TestAdminServicesProvider.TOKEN_PROPERTY);
        r = get(base, "/api/v1/users", "Authorization", bearer);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"total\":0"), r.body());
        r = get(base, "/api/v1/calls/history?from=2026-01-01", "Authorization", bearer);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"total\":0"), r.body());
        r = get(base, "/api/v1/security/edge", "Authorization", bearer);
        assertTrue(r.statusCode() == 200 && r.body().contains("edge.deny-networks"), r.body());
        r = get(base, "/api/v1/certificate", "Authorization", bearer);
        assertTrue(r.statusCode() == 200 && r.body().contains("\"uploadAllowed\":true"), r.body());
        r = get(base, "/metrics", "Authorization", bearer);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("palisade_registrations"), r.body());

        r = get(base, "/signin.xhtml");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("name=\"_csrf\"") && r.body().contains("jakarta.faces.ViewState"),
                "rendered by Faces with a CDI bean: " + r.body());
        assertTrue(r.headers().firstValue("Set-Cookie").orElse("").contains("SameSite=Strict"));
    }

}
