package io.keywatch.admin.etcd;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The one answer of a unary service call made in-process (the JSON gateway calls the services so).
 */
final class Captured<T> implements StreamObserver<T> {

  private T value;
  private Status error;

  @Override
  public void onNext(T v) {
    value = v;
  }

  @Override
  public void onError(Throwable t) {
    error = Status.fromThrowable(t);
  }

  @Override
  public void onCompleted() {}

  T value() {
    return value;
  }

  Status error() {
    return error;
  }
}
