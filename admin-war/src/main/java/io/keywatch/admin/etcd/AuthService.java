package io.keywatch.admin.etcd;

import io.grpc.stub.StreamObserver;
import io.keywatch.etcd.etcdserverpb.AuthGrpc;
import io.keywatch.etcd.etcdserverpb.AuthenticateRequest;
import io.keywatch.etcd.etcdserverpb.AuthenticateResponse;
import io.keywatch.kv.KvStore;

/** etcd's Authenticate; users and roles are not managed here (the rest is UNIMPLEMENTED). */
final class AuthService extends AuthGrpc.AuthImplBase {

  private final Tokens tokens;
  private final KvStore store;
  private final EtcdMember member;

  AuthService(Tokens tokens, KvStore store, EtcdMember member) {
    this.tokens = tokens;
    this.store = store;
    this.member = member;
  }

  @Override
  public void authenticate(
      AuthenticateRequest request, StreamObserver<AuthenticateResponse> response) {
    KvService.answer(
        response,
        () -> {
          if (request.getName().isEmpty()) {
            throw EtcdErrors.USER_EMPTY.asRuntimeException();
          }
          String token =
              tokens
                  .issue(request.getName(), request.getPassword())
                  .orElseThrow(EtcdErrors.AUTH_FAILED::asRuntimeException);
          return AuthenticateResponse.newBuilder()
              .setHeader(member.header(store.revisions().current()))
              .setToken(token)
              .build();
        });
  }
}
