package io.keywatch.admin.auth;

import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/**
 * The security context of a request made with the feed key: a gateway of the fan-out tier. It
 * mirrors the store, certificates' private keys included, so the reads it may make ({@code GET
 * /watch}, {@code GET /routes}, {@code GET /ssls}) show it values as stored; the API key's answers
 * never show a private key.
 */
public final class FeedCaller implements SecurityContext {

  static final String ROLE = "keywatch-feed";

  private final boolean secure;

  FeedCaller(SecurityContext before) {
    this.secure = before.isSecure();
  }

  /** Whether the request was made with the feed key. */
  public static boolean is(SecurityContext caller) {
    return caller.getUserPrincipal() instanceof Feed;
  }

  private record Feed() implements Principal {
    @Override
    public String getName() {
      return ROLE;
    }
  }

  @Override
  public Principal getUserPrincipal() {
    return new Feed();
  }

  @Override
  public boolean isUserInRole(String role) {
    return ROLE.equals(role);
  }

  @Override
  public boolean isSecure() {
    return secure;
  }

  @Override
  public String getAuthenticationScheme() {
    return "ApiKey";
  }
}
