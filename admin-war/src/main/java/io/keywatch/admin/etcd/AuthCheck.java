package io.keywatch.admin.etcd;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.keywatch.etcd.etcdserverpb.AuthGrpc;
import io.keywatch.etcd.etcdserverpb.ClusterGrpc;
import io.keywatch.etcd.etcdserverpb.MaintenanceGrpc;
import io.keywatch.etcd.etcdserverpb.WatchGrpc;
import java.util.Set;

/**
 * Refuses a call without a valid {@code token} as etcd with auth enabled refuses it: no token is
 * etcd's "user name is empty", a bad one "invalid auth token". As in etcd, Authenticate, Status and
 * MemberList need no token, and a watch stream opens but each watch it creates is canceled with
 * "permission denied" ({@link #AUTHENTICATED} tells the stream).
 */
final class AuthCheck implements ServerInterceptor {

  static final Metadata.Key<String> TOKEN =
      Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<Boolean> AUTHENTICATED = Context.key("keywatch-etcd-authenticated");

  private static final Set<String> OPEN =
      Set.of(
          AuthGrpc.getAuthenticateMethod().getFullMethodName(),
          MaintenanceGrpc.getStatusMethod().getFullMethodName(),
          ClusterGrpc.getMemberListMethod().getFullMethodName());

  private final Tokens tokens;

  AuthCheck(Tokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    String token = headers.get(TOKEN);
    if (method.equals(WatchGrpc.getWatchMethod().getFullMethodName())) {
      return Contexts.interceptCall(
          Context.current().withValue(AUTHENTICATED, isValid(token)), call, headers, next);
    }
    Status refusal = refusal(method, token);
    if (refusal != null) {
      call.close(refusal, new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }

  /** Why a call of this method with this token (null: none sent) is refused; null if it is not. */
  Status refusal(String fullMethodName, String token) {
    if (OPEN.contains(fullMethodName) || isValid(token)) {
      return null;
    }
    return token == null ? EtcdErrors.USER_EMPTY : EtcdErrors.INVALID_AUTH_TOKEN;
  }

  boolean isValid(String token) {
    return token != null && tokens.isValid(token);
  }
}
