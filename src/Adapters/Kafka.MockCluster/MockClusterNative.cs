using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Elsa.Sim.Kafka.MockCluster;

/// <summary>The librdkafka entry points the mock cluster needs, declared against <c>rdkafka.h</c> and
/// <c>rdkafka_mock.h</c> (unchanged for these functions from 2.15.0 on) and checked against the exports of the
/// librdkafka 2.16.0 that Confluent.Kafka 2.16 ships. C <c>int</c> and <c>int32_t</c> are <see cref="int"/>,
/// <c>int16_t</c> is <see cref="short"/>, <c>int64_t</c> is <see cref="long"/>, <c>size_t</c> is <see cref="nuint"/>,
/// and <c>rd_kafka_resp_err_t</c> is a C enum, so an <see cref="int"/>.</summary>
/// <remarks>The library name is a placeholder that <see cref="LibrdkafkaLibrary"/> resolves to the very file
/// Confluent.Kafka loaded, so these calls and Confluent's clients share one librdkafka. The mock API is experimental in
/// librdkafka (no ABI promise), which is why the version it was checked against is named above.</remarks>
internal static partial class MockClusterNative
{
    internal const string LibraryName = "librdkafka";

    /// <summary><c>RD_KAFKA_PRODUCER</c> in <c>rd_kafka_type_t</c>.</summary>
    internal const int ProducerType = 0;

    /// <summary><c>RD_KAFKA_CONF_OK</c> in <c>rd_kafka_conf_res_t</c>.</summary>
    internal const int ConfOk = 0;

    // rd_kafka_conf_t *rd_kafka_conf_new(void);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_new")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint ConfNew();

    // rd_kafka_conf_res_t rd_kafka_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value,
    //                                       char *errstr, size_t errstr_size);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int ConfSet(nint conf, string name, string value, [Out] byte[] errstr, nuint errstrSize);

    // void rd_kafka_conf_destroy(rd_kafka_conf_t *conf);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_destroy")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void ConfDestroy(nint conf);

    // rd_kafka_t *rd_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, char *errstr, size_t errstr_size);
    // On success the new handle owns conf; on failure the caller still does.
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_new")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial KafkaClientHandle New(int type, nint conf, [Out] byte[] errstr, nuint errstrSize);

    // void rd_kafka_destroy(rd_kafka_t *rk);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_destroy")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void Destroy(nint rk);

    // rd_kafka_mock_cluster_t *rd_kafka_mock_cluster_new(rd_kafka_t *rk, int broker_cnt);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_new")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial MockClusterHandle ClusterNew(KafkaClientHandle rk, int brokerCount);

    // void rd_kafka_mock_cluster_destroy(rd_kafka_mock_cluster_t *mcluster);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void ClusterDestroy(nint mcluster);

    // const char *rd_kafka_mock_cluster_bootstraps(const rd_kafka_mock_cluster_t *mcluster);
    // The string belongs to the cluster: returned as a pointer so that no marshaller frees it.
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint ClusterBootstraps(MockClusterHandle mcluster);

    // rd_kafka_resp_err_t rd_kafka_mock_topic_create(rd_kafka_mock_cluster_t *mcluster, const char *topic,
    //                                                int partition_cnt, int replication_factor);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int TopicCreate(MockClusterHandle mcluster, string topic, int partitionCount,
        int replicationFactor);

    // void rd_kafka_mock_push_request_errors_array(rd_kafka_mock_cluster_t *mcluster, int16_t ApiKey, size_t cnt,
    //                                              const rd_kafka_resp_err_t *errors);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void PushRequestErrorsArray(MockClusterHandle mcluster, short apiKey, nuint count,
        int[] errors);

    // rd_kafka_resp_err_t rd_kafka_mock_broker_set_down(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_down")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int BrokerSetDown(MockClusterHandle mcluster, int brokerId);

    // rd_kafka_resp_err_t rd_kafka_mock_broker_set_up(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_up")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int BrokerSetUp(MockClusterHandle mcluster, int brokerId);

    // rd_kafka_resp_err_t rd_kafka_mock_broker_set_rtt(rd_kafka_mock_cluster_t *mcluster, int32_t broker_id,
    //                                                  int rtt_ms);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int BrokerSetRtt(MockClusterHandle mcluster, int brokerId, int rttMs);

    // rd_kafka_resp_err_t rd_kafka_mock_coordinator_set(rd_kafka_mock_cluster_t *mcluster, const char *key_type,
    //                                                   const char *key, int32_t broker_id);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_coordinator_set",
        StringMarshalling = StringMarshalling.Utf8)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CoordinatorSet(MockClusterHandle mcluster, string keyType, string key, int brokerId);

    // rd_kafka_resp_err_t rd_kafka_mock_partition_set_leader(rd_kafka_mock_cluster_t *mcluster, const char *topic,
    //                                                       int32_t partition, int32_t broker_id);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_partition_set_leader",
        StringMarshalling = StringMarshalling.Utf8)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int PartitionSetLeader(MockClusterHandle mcluster, string topic, int partition, int brokerId);

    // rd_kafka_resp_err_t rd_kafka_mock_partition_delete_records(rd_kafka_mock_cluster_t *mcluster,
    //                                                            const char *topic, int32_t partition,
    //                                                            int64_t before_offset);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_partition_delete_records",
        StringMarshalling = StringMarshalling.Utf8)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int PartitionDeleteRecords(MockClusterHandle mcluster, string topic, int partition,
        long beforeOffset);

    // void rd_kafka_mock_group_initial_rebalance_delay_ms(rd_kafka_mock_cluster_t *mcluster, int32_t delay_ms);
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void GroupInitialRebalanceDelayMs(MockClusterHandle mcluster, int delayMs);
}
