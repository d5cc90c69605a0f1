// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.palisade.core.admin.AdminException;
import io.palisade.core.subscriber.SubscriberException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ProblemMappersTest {
    static Problem problem(Response r) {
        assertEquals(Problem.TYPE, r.getMediaType());
        return (Problem) r.getEntity();
    }

    @Test
    void subscriberRefusalsNameTheField() {
        Problem p = problem(new ProblemMappers.Subscriber().toResponse(new SubscriberException("user 'x' already exists")));
        assertEquals(409, p.status());
        assertEquals("username", p.errors().get(0).field());
        p = problem(new ProblemMappers.Subscriber().toResponse(new SubscriberException("password is empty")));
        assertEquals(400, p.status());
        assertEquals("password", p.errors().get(0).field());
        p = problem(new ProblemMappers.Subscriber().toResponse(new SubscriberException("display name is longer than 128 characters")));
        assertEquals("displayName", p.errors().get(0).field());
    }

    @Test
    void storeFailuresAre500WithoutDetails() {
        Problem p = problem(new ProblemMappers.Subscriber().toResponse(
                new SubscriberException("cannot read subscriber", new SQLException("jdbc:h2:secret-path"))));
        assertEquals(500, p.status());
        assertFalse(p.detail().contains("secret-path"));
        p = problem(new ProblemMappers.Unexpected().toResponse(new IllegalStateException("password=hunter2")));
        assertEquals(500, p.status());
        assertFalse(p.detail().contains("hunter2"));
        p = problem(new ProblemMappers.Admin().toResponse(new AdminException("newPassword", "use at least 12 characters")));
        assertEquals(400, p.status());
        assertEquals("newPassword", p.errors().get(0).field());
    }

    @Test
    void unauthorizedCarriesABearerChallenge() {
        Response r = new ProblemMappers.Web().toResponse(new NotAuthorizedException("Bearer"));
        assertEquals(401, r.getStatus());
        assertEquals("Bearer realm=\"palisade\"", r.getHeaderString("WWW-Authenticate"));
    }
}
