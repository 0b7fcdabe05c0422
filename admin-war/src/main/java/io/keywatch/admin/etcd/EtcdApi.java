package io.keywatch.admin.etcd;

/** The etcd services one admin server runs, shared by the gRPC port and the JSON gateway. */
public record EtcdApi(
    AuthCheck auth,
    KvService kv,
    LeaseService lease,
    WatchService watch,
    MaintenanceService maintenance,
    ClusterService cluster,
    AuthService authentication) {}
