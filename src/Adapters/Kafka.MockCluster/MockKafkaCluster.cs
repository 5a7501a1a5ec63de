using System.Net;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Elsa.Sim.Kafka.MockCluster;

/// <summary>
/// An embedded Kafka-protocol broker: librdkafka's mock cluster, with a real group coordinator, running in this process
/// and listening on 127.0.0.1 only. Point any Kafka client at <see cref="BootstrapServers"/>; inject faults with the
/// other members. Every member is safe to call from any thread.
/// </summary>
/// <remarks>
/// The mock lives in the librdkafka that ships with Confluent.Kafka, so nothing else needs installing; it is an
/// experimental librdkafka API, checked here against librdkafka 2.16. Each partition keeps at most 5 MiB or 100,000
/// batches (the mock deletes the oldest beyond that), so a large run should consume while it produces. Broker ids run
/// from 1 to <see cref="BrokerCount"/>. Native failures surface as <see cref="KafkaException"/> whose
/// <see cref="Error.Code"/> is librdkafka's error code.
/// </remarks>
public sealed class MockKafkaCluster : IDisposable
{
    private readonly MockClusterHandle _cluster;

    private MockKafkaCluster(MockClusterHandle cluster, int brokerCount, string bootstrapServers)
    {
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The brokers' addresses for <c>bootstrap.servers</c>: a comma-separated list of 127.0.0.1:port, one
    /// per broker, on ports the operating system chose.</summary>
    public string BootstrapServers { get; }

    /// <summary>How many brokers the cluster has; their ids are 1 to this number.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers in this process.</summary>
    /// <param name="brokers">How many brokers, at least 1.</param>
    /// <param name="options">Settings that apply from the start; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="brokers"/> is below 1 or an option is
    /// negative.</exception>
    /// <exception cref="DllNotFoundException">When librdkafka cannot be loaded; the message says what was
    /// tried.</exception>
    /// <exception cref="InvalidOperationException">When librdkafka cannot create the cluster.</exception>
    public static MockKafkaCluster Start(int brokers = 3, MockClusterOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        options ??= new MockClusterOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.GroupInitialRebalanceDelayMs, nameof(options));

        LibrdkafkaLibrary.EnsureLoaded();
        using var owner = KafkaClientHandle.CreateOwner();
        var cluster = MockClusterNative.ClusterNew(owner, brokers);
        if (cluster.IsInvalid)
        {
            cluster.Dispose();
            throw new InvalidOperationException(
                $"rd_kafka_mock_cluster_new({brokers} brokers) failed in librdkafka {LibrdkafkaLibrary.Version} "
                + $"({LibrdkafkaLibrary.FilePath}): the mock brokers could not listen on 127.0.0.1; librdkafka's "
                + "log on standard error says why.");
        }

        // From here the cluster keeps its owner alive; `using` only drops this method's reference.
        cluster.HoldOwner(owner);
        try
        {
            var bootstrapServers = Marshal.PtrToStringUTF8(MockClusterNative.ClusterBootstraps(cluster)) ?? "";
            EnsureLoopbackOnly(bootstrapServers);
            MockClusterNative.GroupInitialRebalanceDelayMs(cluster, options.GroupInitialRebalanceDelayMs);
            return new MockKafkaCluster(cluster, brokers, bootstrapServers);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Creates a topic, as a broker's CreateTopics would (the mock does not implement that request, so
    /// admin clients cannot).</summary>
    /// <exception cref="KafkaException">When the topic exists already (<see cref="ErrorCode.TopicAlreadyExists"/>) or
    /// cannot be created.</exception>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
        ThrowIfFailed(
            MockClusterNative.TopicCreate(_cluster, topic, partitions, replicationFactor),
            $"Creating topic '{topic}' with {partitions} partitions and replication factor {replicationFactor}");
    }

    /// <summary>Makes the next requests of type <paramref name="api"/>, to any broker, fail with
    /// <paramref name="errors"/>: the first such request gets the first error, the next one the second, and so on;
    /// after that, requests succeed again. Errors pushed by earlier calls come first.
    /// <see cref="ErrorCode.Local_Transport"/> makes the broker drop the connection instead of answering.</summary>
    public void PushRequestErrors(KafkaApi api, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
        var codes = Array.ConvertAll(errors, error => (int)error);
        MockClusterNative.PushRequestErrorsArray(_cluster, (short)api, (nuint)codes.Length, codes);
    }

    /// <summary>Takes broker <paramref name="brokerId"/> down (or every broker, for -1): it drops its connections and
    /// refuses new ones. Partition leadership does not move.</summary>
    /// <exception cref="KafkaException">When there is no such broker.</exception>
    public void SetBrokerDown(int brokerId)
    {
        ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
        ThrowIfFailed(MockClusterNative.BrokerSetDown(_cluster, brokerId), $"Taking broker {brokerId} down");
    }

    /// <summary>Brings broker <paramref name="brokerId"/> (or every broker, for -1) back up, on the same
    /// port.</summary>
    /// <exception cref="KafkaException">When there is no such broker.</exception>
    public void SetBrokerUp(int brokerId)
    {
        ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
        ThrowIfFailed(MockClusterNative.BrokerSetUp(_cluster, brokerId), $"Bringing broker {brokerId} up");
    }

    /// <summary>Delays every response of broker <paramref name="brokerId"/> (or of every broker, for -1) by
    /// <paramref name="rttMs"/> milliseconds; 0 removes the delay.</summary>
    /// <exception cref="KafkaException">When there is no such broker.</exception>
    public void SetBrokerRtt(int brokerId, int rttMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rttMs);
        ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
        ThrowIfFailed(
            MockClusterNative.BrokerSetRtt(_cluster, brokerId, rttMs),
            $"Setting broker {brokerId}'s round-trip time to {rttMs} ms");
    }

    /// <summary>Makes broker <paramref name="brokerId"/> the coordinator of consumer group <paramref name="group"/>.
    /// Members find out when the old coordinator answers them with NOT_COORDINATOR, then look it up again.</summary>
    /// <exception cref="KafkaException">When the mock rejects the change.</exception>
    public void MoveGroupCoordinator(string group, int brokerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
        ThrowIfFailed(
            MockClusterNative.CoordinatorSet(_cluster, "group", group, brokerId),
            $"Moving the coordinator of group '{group}' to broker {brokerId}");
    }

    /// <summary>Makes broker <paramref name="brokerId"/> the leader of <paramref name="topic"/> [<paramref name="partition"/>]
    /// (or leaves it without one, for -1). Clients find out when the old leader answers them with NOT_LEADER_FOR_PARTITION
    /// or their metadata refreshes. Together with <see cref="SetBrokerDown"/> it takes one topic's broker away while the
    /// others' stay up.</summary>
    /// <exception cref="KafkaException">When there is no such partition or broker.</exception>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
        ThrowIfFailed(
            MockClusterNative.PartitionSetLeader(_cluster, topic, partition, brokerId),
            $"Making broker {brokerId} the leader of {topic}/{partition}");
    }

    /// <summary>Deletes the records of <paramref name="topic"/> [<paramref name="partition"/>] below
    /// <paramref name="beforeOffset"/>, as retention or DeleteRecords would: the partition's log start (low
    /// watermark) becomes <paramref name="beforeOffset"/>, and fetches below it are out of range.</summary>
    /// <exception cref="KafkaException">When there is no such partition (<see cref="ErrorCode.UnknownTopicOrPart"/>)
    /// or <paramref name="beforeOffset"/> is past its end (<see cref="ErrorCode.OffsetOutOfRange"/>).</exception>
    /// <exception cref="NotSupportedException">When the loaded librdkafka predates 2.15, which added this.</exception>
    public void DeleteRecords(string topic, int partition, long beforeOffset)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(beforeOffset);
        ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
        int error;
        try
        {
            error = MockClusterNative.PartitionDeleteRecords(_cluster, topic, partition, beforeOffset);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new NotSupportedException(
                $"librdkafka {LibrdkafkaLibrary.Version} ({LibrdkafkaLibrary.FilePath}) has no "
                + "rd_kafka_mock_partition_delete_records; it first shipped in librdkafka 2.15.", e);
        }

        ThrowIfFailed(error, $"Deleting records of {topic} [{partition}] before offset {beforeOffset}");
    }

    /// <summary>Sets the broker setting <c>group.initial.rebalance.delay.ms</c> for groups that form from now on; see
    /// <see cref="MockClusterOptions.GroupInitialRebalanceDelayMs"/>.</summary>
    public void SetGroupInitialRebalanceDelay(int delayMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(delayMs);
        ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
        MockClusterNative.GroupInitialRebalanceDelayMs(_cluster, delayMs);
    }

    /// <summary>Stops the brokers, closing every client connection, and frees the cluster. Safe to call more than
    /// once and from any thread.</summary>
    public void Dispose() => _cluster.Dispose();

    private static void EnsureLoopbackOnly(string bootstrapServers)
    {
        if (!bootstrapServers.Split(',').All(server =>
                IPEndPoint.TryParse(server, out var endpoint) && IPAddress.IsLoopback(endpoint.Address)))
        {
            throw new InvalidOperationException(
                $"The mock cluster advertises '{bootstrapServers}', but it must listen on the loopback address only.");
        }
    }

    private static void ThrowIfFailed(int error, string operation)
    {
        if (error != 0)
        {
            var code = (ErrorCode)error;
            throw new KafkaException(new Error(code, $"{operation} failed: {code.GetReason()} ({code})."));
        }
    }
}
