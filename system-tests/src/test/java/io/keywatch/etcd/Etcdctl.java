package io.keywatch.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code etcdctl} 3.4 with API v3 against one endpoint, optionally as a user ({@code
 * name:password}).
 */
record Etcdctl(String endpoint, String user) {

  static final String BINARY = "/usr/bin/etcdctl";

  /** What a command printed and how it ended. */
  record Result(int exit, String out, String err) {

    /**
     * The error line etcdctl prints ({@code Error: ...}), without the client's JSON log lines that
     * carry timestamps and client ids.
     */
    String errorLine() {
      return err.lines().filter(l -> l.startsWith("Error:")).collect(Collectors.joining("\n"));
    }
  }

  Result run(String... args) {
    return runWithInput("", args);
  }

  /** Runs a command that reads its standard input (etcdctl txn's interactive lines). */
  Result runWithInput(String input, String... args) {
    List<String> command =
        new ArrayList<>(List.of(BINARY, "--endpoints=" + endpoint, "--command-timeout=20s"));
    if (user != null) {
      command.add("--user=" + user);
    }
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("ETCDCTL_API", "3");
    try {
      Process p = pb.start();
      try (var stdin = p.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
      // both pipes are read to the end before waiting: a full pipe would stall etcdctl
      var err = new java.util.concurrent.CompletableFuture<String>();
      Thread t =
          new Thread(
              () -> {
                try {
                  err.complete(
                      new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                  err.completeExceptionally(e);
                }
              });
      t.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("etcdctl " + String.join(" ", args) + " did not finish");
      }
      return new Result(p.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + BINARY, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Runs a command that must succeed. */
  Result require(String... args) {
    Result r = run(args);
    if (r.exit() != 0) {
      throw new IllegalStateException("etcdctl " + String.join(" ", args) + " failed: " + r.err());
    }
    return r;
  }

  /** Starts a long-running command (watch) whose output the caller reads. */
  Process start(String... args) {
    List<String> command = new ArrayList<>(List.of(BINARY, "--endpoints=" + endpoint));
    if (user != null) {
      command.add("--user=" + user);
    }
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("ETCDCTL_API", "3");
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + BINARY, e);
    }
  }
}
