package io.keywatch.admin;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The admin API's JAX-RS application, at the root of the admin server. */
@ApplicationPath("/")
@OpenAPIDefinition(
    info =
        @Info(
            title = "Keywatch admin API",
            version = "0.1.0",
            description =
                "etcd-style keys, transactions, watch and compaction on PostgreSQL, and the gateway's routes."
                    + " Every call needs X-API-KEY; errors are application/problem+json (RFC 9457)."),
    security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(
    securitySchemeName = "apiKey",
    type = SecuritySchemeType.APIKEY,
    in = SecuritySchemeIn.HEADER,
    apiKeyName = "X-API-KEY")
public class AdminApplication extends Application {}
