package io.keywatch.admin;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The admin API's JAX-RS application, at the root of the admin server. */
@ApplicationPath("/")
public class AdminApplication extends Application {}
