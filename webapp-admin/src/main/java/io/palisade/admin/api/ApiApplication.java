// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.palisade.admin.AdminServices;
import io.palisade.admin.ConsoleOperations;
import jakarta.ws.rs.ext.ContextResolver;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;

/**
 * {@code /api/v1}: the resources, built with their services through constructors (no container lookup), the
 * authentication filter, role checks ({@code @RolesAllowed}, roles nested: administrator > operator > auditor)
 * and problem+json for every error.
 */
public final class ApiApplication extends ResourceConfig {

    public ApiApplication(AdminServices s) {
        ConsoleOperations ops = ConsoleOperations.of(s);
        register(new UsersResource(s.subscribers(), ops, s.userNetworks()));
        register(new RegistrationsResource(s.registrations(), ops, s.clock()));
        register(new SettingsResource(s));
        register(new CertificateResource(s, ops));
        register(new CallsResource(s, ops));
        register(new AdminsResource(s.admin()));
        register(new AuditResource(s.admin().audit()));
        register(new TokensResource(s.admin()));
        register(new DashboardResource(s));
        register(new SecurityResource(s, ops));
        register(new ApiAuthFilter(s.admin()));
        register(RolesAllowedDynamicFeature.class);
        register(JacksonFeature.withoutExceptionMappers());
        register(new JsonMapper());
        register(new ProblemMappers.Validation());
        register(new ProblemMappers.Admin());
        register(new ProblemMappers.Edge());
        register(new ProblemMappers.CallFilter());
        register(new ProblemMappers.Certificate());
        register(new ProblemMappers.Subscriber());
        register(new ProblemMappers.Invalid());
        register(new ProblemMappers.Forbidden());
        register(new ProblemMappers.NotFound());
        register(new ProblemMappers.Web());
        register(new ProblemMappers.Unexpected());
        property(ServerProperties.BV_SEND_ERROR_IN_RESPONSE, true);
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
    }

    /** ISO-8601 instants, not epoch numbers. */
    @jakarta.ws.rs.ext.Provider
    static final class JsonMapper implements ContextResolver<ObjectMapper> {
        @Override
        public ObjectMapper getContext(Class<?> type) {
            return MAPPER;
        }
    }

    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
}
