package io.keywatch.bench.lab;

import io.keywatch.bench.report.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/**
 * The resident memory of the Keywatch servers beside etcd's and nginx's, sampled after each
 * benchmark (bench/run passes the pids of the processes it started). RSS, as one would read it in
 * top; a process's children count too (nginx's workers).
 */
public final class Footprint {

  private final List<Row> rows = new ArrayList<>();

  /** The servers' RSS after a benchmark, beside etcd's (admin) and nginx's (gateway). */
  public void sample(String benchmark, KeywatchServers servers) {
    long admin = rssKb(servers.adminPid());
    long gateway = rssKb(servers.proxyPid());
    long etcd = rssKb(Long.getLong("bench.etcd.pid", -1));
    long nginx = rssKb(Long.getLong("bench.nginx.pid", -1));
    System.out.printf(
        "  memory after %s: admin %d MB, gateway %d MB, etcd %d MB, nginx %d MB (RSS)%n",
        benchmark, admin / 1024, gateway / 1024, etcd / 1024, nginx / 1024);
    rows.add(
        Row.context(
            "memory admin after " + benchmark + " (vs etcd)", admin / 1024.0, etcd / 1024.0, "MB"));
    rows.add(
        Row.context(
            "memory gateway after " + benchmark + " (vs nginx)",
            gateway / 1024.0,
            nginx / 1024.0,
            "MB"));
  }

  public List<Row> rows() {
    return rows;
  }

  private static long rssKb(long pid) {
    if (pid < 0) {
      return 0;
    }
    return ProcessHandle.of(pid)
        .map(
            p ->
                LongStream.concat(
                        LongStream.of(p.pid()), p.descendants().mapToLong(ProcessHandle::pid))
                    .map(Footprint::ownRssKb)
                    .sum())
        .orElse(0L);
  }

  private static long ownRssKb(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
          .findFirst()
          .orElse(0);
    } catch (IOException e) {
      return 0; // gone meanwhile
    }
  }
}
