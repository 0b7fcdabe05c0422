package io.keywatch.admin.etcd;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.keywatch.admin.config.AdminSettings;
import io.keywatch.etcd.etcdserverpb.AuthGrpc;
import io.keywatch.etcd.etcdserverpb.AuthenticateRequest;
import io.keywatch.etcd.etcdserverpb.ClusterGrpc;
import io.keywatch.etcd.etcdserverpb.CompactionRequest;
import io.keywatch.etcd.etcdserverpb.DeleteRangeRequest;
import io.keywatch.etcd.etcdserverpb.KVGrpc;
import io.keywatch.etcd.etcdserverpb.LeaseGrantRequest;
import io.keywatch.etcd.etcdserverpb.LeaseGrpc;
import io.keywatch.etcd.etcdserverpb.LeaseKeepAliveRequest;
import io.keywatch.etcd.etcdserverpb.LeaseKeepAliveResponse;
import io.keywatch.etcd.etcdserverpb.LeaseLeasesRequest;
import io.keywatch.etcd.etcdserverpb.LeaseRevokeRequest;
import io.keywatch.etcd.etcdserverpb.LeaseTimeToLiveRequest;
import io.keywatch.etcd.etcdserverpb.MaintenanceGrpc;
import io.keywatch.etcd.etcdserverpb.MemberListRequest;
import io.keywatch.etcd.etcdserverpb.PutRequest;
import io.keywatch.etcd.etcdserverpb.PutResponse;
import io.keywatch.etcd.etcdserverpb.RangeRequest;
import io.keywatch.etcd.etcdserverpb.StatusRequest;
import io.keywatch.etcd.etcdserverpb.TxnRequest;
import io.keywatch.etcd.etcdserverpb.WatchRequest;
import io.keywatch.etcd.etcdserverpb.WatchResponse;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * etcd's HTTP/JSON gateway (as etcd 3.4 serves it on its client port) on the admin's HTTP port:
 * {@code GET /version}, {@code POST /v3/kv/range|put|deleterange|compaction}, {@code
 * /v3/auth/authenticate}, {@code /v3/maintenance/status}, {@code /v3/cluster/member/list}, and
 * {@code POST /v3/watch} as a stream of newline-terminated {@code {"result":{...}}} objects.
 * Requests are etcd's JSON (snake_case or camelCase), answers use the proto field names with
 * defaults left out, int64 as strings and bytes as base64, as etcd's grpc-gateway prints them. The
 * token from Authenticate goes in {@code Authorization}. A servlet of its own, outside the JAX-RS
 * admin API: these paths follow etcd's auth, not the {@code X-API-KEY}.
 */
@WebServlet(
    urlPatterns = {"/v3/*", "/version"},
    asyncSupported = true)
public class JsonGateway extends HttpServlet {

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

  @Inject EtcdServer server;
  @Inject AdminSettings settings;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!"/version".equals(request.getServletPath())) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    String version = settings.etcdVersion();
    String cluster = version.replaceFirst("^(\\d+\\.\\d+)\\..*$", "$1.0");
    write(
        response, 200, "{\"etcdserver\":\"" + version + "\",\"etcdcluster\":\"" + cluster + "\"}");
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    EtcdApi api = server.api();
    String path = request.getPathInfo() == null ? "" : request.getPathInfo();
    switch (path) {
      case "/kv/range" ->
          unary(
              request,
              response,
              KVGrpc.getRangeMethod(),
              RangeRequest.newBuilder(),
              api.kv()::range);
      case "/kv/put" ->
          // on this request's thread, which may wait: the gRPC put answers later, from its commit
          unary(
              request,
              response,
              KVGrpc.getPutMethod(),
              PutRequest.newBuilder(),
              (PutRequest put, StreamObserver<PutResponse> answer) ->
                  KvService.answer(answer, () -> api.kv().put(put)));
      case "/kv/deleterange" ->
          unary(
              request,
              response,
              KVGrpc.getDeleteRangeMethod(),
              DeleteRangeRequest.newBuilder(),
              api.kv()::deleteRange);
      case "/kv/txn" ->
          unary(request, response, KVGrpc.getTxnMethod(), TxnRequest.newBuilder(), api.kv()::txn);
      case "/kv/compaction" ->
          unary(
              request,
              response,
              KVGrpc.getCompactMethod(),
              CompactionRequest.newBuilder(),
              api.kv()::compact);
      case "/auth/authenticate" ->
          unary(
              request,
              response,
              AuthGrpc.getAuthenticateMethod(),
              AuthenticateRequest.newBuilder(),
              api.authentication()::authenticate);
      case "/maintenance/status" ->
          unary(
              request,
              response,
              MaintenanceGrpc.getStatusMethod(),
              StatusRequest.newBuilder(),
              api.maintenance()::status);
      case "/cluster/member/list" ->
          unary(
              request,
              response,
              ClusterGrpc.getMemberListMethod(),
              MemberListRequest.newBuilder(),
              api.cluster()::memberList);
      case "/lease/grant" ->
          unary(
              request,
              response,
              LeaseGrpc.getLeaseGrantMethod(),
              LeaseGrantRequest.newBuilder(),
              api.lease()::leaseGrant);
      case "/lease/revoke", "/kv/lease/revoke" ->
          unary(
              request,
              response,
              LeaseGrpc.getLeaseRevokeMethod(),
              LeaseRevokeRequest.newBuilder(),
              api.lease()::leaseRevoke);
      case "/lease/timetolive", "/kv/lease/timetolive" ->
          unary(
              request,
              response,
              LeaseGrpc.getLeaseTimeToLiveMethod(),
              LeaseTimeToLiveRequest.newBuilder(),
              api.lease()::leaseTimeToLive);
      case "/lease/leases", "/kv/lease/leases" ->
          unary(
              request,
              response,
              LeaseGrpc.getLeaseLeasesMethod(),
              LeaseLeasesRequest.newBuilder(),
              api.lease()::leaseLeases);
      case "/lease/keepalive" -> keepAlive(request, response, api);
      case "/watch" -> watch(request, response, api);
      default -> {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        response.setContentType("text/plain; charset=utf-8");
        response.getWriter().write("Not Found\n");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <Q extends Message, A extends Message> void unary(
      HttpServletRequest request,
      HttpServletResponse response,
      MethodDescriptor<Q, A> method,
      Message.Builder body,
      BiConsumer<Q, StreamObserver<A>> call)
      throws IOException {
    Status refused =
        server.api().auth().refusal(method.getFullMethodName(), request.getHeader("Authorization"));
    if (refused != null) {
      error(response, refused);
      return;
    }
    if (!parse(request, response, body)) {
      return;
    }
    Captured<A> answer = new Captured<>();
    call.accept((Q) body.build(), answer);
    if (answer.error() != null) {
      error(response, answer.error());
    } else {
      write(response, 200, PRINTER.print(answer.value()));
    }
  }

  /**
   * A keep-alive is a stream in etcd's gateway too: the request body's one message answered as one
   * {"result":...} line, the stream then ends with the body.
   */
  private void keepAlive(HttpServletRequest request, HttpServletResponse response, EtcdApi api)
      throws IOException {
    Status refused =
        api.auth()
            .refusal(
                LeaseGrpc.getLeaseKeepAliveMethod().getFullMethodName(),
                request.getHeader("Authorization"));
    if (refused != null) {
      error(response, refused);
      return;
    }
    LeaseKeepAliveRequest.Builder body = LeaseKeepAliveRequest.newBuilder();
    if (!parse(request, response, body)) {
      return;
    }
    LeaseKeepAliveResponse answer;
    try {
      answer = api.lease().keepAlive(body.build());
    } catch (RuntimeException e) {
      error(response, EtcdErrors.from(e).getStatus());
      return;
    }
    write(response, 200, "{\"result\":" + PRINTER.print(answer) + "}\n");
  }

  private void watch(HttpServletRequest request, HttpServletResponse response, EtcdApi api)
      throws IOException {
    WatchRequest.Builder body = WatchRequest.newBuilder();
    if (!parse(request, response, body)) {
      return;
    }
    String token = request.getHeader("Authorization");
    WatchRefusal refusal = api.auth().isValid(token) ? null : WatchRefusal.gateway(token == null);
    response.setStatus(200);
    response.setContentType("application/json");
    response.flushBuffer();
    AsyncContext async = request.startAsync();
    async.setTimeout(0);
    WatchSession session = api.watch().open(new JsonLines(async), refusal);
    async.addListener(
        new AsyncListener() {
          @Override
          public void onComplete(AsyncEvent e) {
            session.onError(new IOException("the client left"));
          }

          @Override
          public void onTimeout(AsyncEvent e) {}

          @Override
          public void onError(AsyncEvent e) {
            session.onError(e.getThrowable());
          }

          @Override
          public void onStartAsync(AsyncEvent e) {}
        });
    session.onNext(body.build());
  }

  /** A watch stream's responses as etcd's gateway streams them: one {"result":...} line each. */
  private static final class JsonLines implements StreamObserver<WatchResponse> {
    private final AsyncContext async;

    JsonLines(AsyncContext async) {
      this.async = async;
    }

    @Override
    public void onNext(WatchResponse r) {
      try {
        var out = async.getResponse().getOutputStream();
        out.write(("{\"result\":" + PRINTER.print(r) + "}\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("the watch client left", e);
      }
    }

    @Override
    public void onError(Throwable t) {
      async.complete();
    }

    @Override
    public void onCompleted() {
      async.complete();
    }
  }

  private static boolean parse(
      HttpServletRequest request, HttpServletResponse response, Message.Builder body)
      throws IOException {
    String json = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      String text = json.isBlank() ? "{}" : json;
      Optional<String> misTyped =
          StrictJson.misTypedBytes(JsonParser.parseString(text), body.getDescriptorForType());
      if (misTyped.isPresent()) {
        error(
            response,
            Status.INVALID_ARGUMENT.withDescription(
                "json: " + misTyped.get() + " must be base64 text"));
        return false;
      }
      PARSER.merge(text, body);
      return true;
    } catch (InvalidProtocolBufferException | JsonParseException e) {
      error(response, Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
      return false;
    }
  }

  /**
   * An error as etcd 3.4's gateway answers it: the HTTP status of the gRPC code, and both in the
   * body.
   */
  private static void error(HttpServletResponse response, Status status) throws IOException {
    String message =
        Json.createValue(status.getDescription() == null ? "" : status.getDescription()).toString();
    write(
        response,
        httpStatus(status.getCode()),
        "{\"error\":"
            + message
            + ",\"message\":"
            + message
            + ",\"code\":"
            + status.getCode().value()
            + "}");
  }

  /** grpc-gateway v1's mapping of gRPC codes to HTTP statuses (the one etcd 3.4 uses). */
  private static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case CANCELLED -> 408;
      case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case UNAUTHENTICATED -> 401;
      case RESOURCE_EXHAUSTED -> 429;
      case FAILED_PRECONDITION -> 412;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      default -> 500;
    };
  }

  private static void write(HttpServletResponse response, int status, String json)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
  }
}
