package io.keywatch.launcher;

/** The two servers of a Keywatch system; each is one Payara Micro process running one WAR. */
public enum ServerRole {
  ADMIN("admin", "keywatch-admin.war"),
  PROXY("proxy", "keywatch-proxy.war");

  private final String label;
  private final String war;

  ServerRole(String label, String war) {
    this.label = label;
    this.war = war;
  }

  /** Short lower-case name, used for log files and work folders. */
  public String label() {
    return label;
  }

  /** Whether its process is given the admin API key; the gateway never needs it. */
  boolean holdsApiKey() {
    return this == ADMIN;
  }

  /** The WAR's file name in the Keywatch home. */
  String war() {
    return war;
  }
}
