package io.keywatch.admin.etcd;

import io.keywatch.etcd.etcdserverpb.Member;
import io.keywatch.etcd.etcdserverpb.ResponseHeader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who this server is in etcd's terms: a one-member cluster. The ids are derived from the member's
 * name and client URL, as etcd derives them from its name and URLs, so they stay the same across
 * restarts. There is no raft: the term is always 1 and the "raft index" is the store revision.
 */
record EtcdMember(long clusterId, long memberId, String name, String clientUrl) {

  static final long RAFT_TERM = 1;

  static EtcdMember of(String name, String clientUrl) {
    long member = hash("member " + name + " " + clientUrl);
    return new EtcdMember(hash("cluster " + member), member, name, clientUrl);
  }

  ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder()
        .setClusterId(clusterId)
        .setMemberId(memberId)
        .setRevision(revision)
        .setRaftTerm(RAFT_TERM)
        .build();
  }

  Member member() {
    return Member.newBuilder().setID(memberId).setName(name).addClientURLs(clientUrl).build();
  }

  private static long hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (d[i] & 0xff);
      }
      return v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
