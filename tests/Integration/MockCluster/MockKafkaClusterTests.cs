using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using Confluent.Kafka;
using Elsa.Sim.Kafka.MockCluster;

namespace Elsa.Sim.Integration.Tests.MockCluster;

/// <summary>The embedded broker, driven by real Confluent.Kafka clients. Each test starts its own cluster.</summary>
public sealed class MockKafkaClusterTests
{
    [Fact]
    public async Task Mock_cluster_a_group_consumes_all_of_twelve_partitions_on_three_brokers_and_reads_its_commits_back()
    {
        const string topic = "orders";
        const int partitions = 12;
        const int messages = 1_000;
        using var cluster = MockKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(topic, partitions, replicationFactor: 3);

        Dictionary<int, long> ends;
        using (var producer = TestClients.Producer(cluster))
        {
            var delivered = await TestClients.ProduceAsync(producer, topic, partitions, messages);
            Assert.All(delivered, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
            ends = delivered.GroupBy(d => d.Partition.Value).ToDictionary(g => g.Key, g => g.Max(d => d.Offset.Value) + 1);
        }

        using var consumer = TestClients.Consumer(cluster, "order-handlers");
        consumer.Subscribe(topic);
        var log = new ConsumedMessages();
        TestClients.ConsumeUntil(consumer, log, l => l.Count >= messages, $"{messages} messages");

        // Each partition's offsets, sorted, are exactly 0..end-1: nothing lost, nothing twice, across all twelve.
        Assert.Equal(partitions, ends.Count);
        foreach (var (partition, end) in ends)
        {
            Assert.Equal(Enumerable.Range(0, (int)end).Select(o => (long)o), log.Offsets(partition).Order());
        }

        var commits = ends.Select(e => new TopicPartitionOffset(topic, e.Key, e.Value)).ToList();
        consumer.Commit(commits);
        var committed = consumer.Committed(commits.Select(c => c.TopicPartition), TestClients.Limit);
        Assert.Equal(
            commits.Select(c => (c.Partition.Value, c.Offset.Value)).Order(),
            committed.Select(c => (c.Partition.Value, c.Offset.Value)).Order());
        consumer.Close();
    }

    [Fact]
    public async Task Mock_cluster_a_pushed_RebalanceInProgress_error_fails_the_next_offset_commit_only()
    {
        const string topic = "payments";
        using var cluster = MockKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(topic, partitions: 1);
        using (var producer = TestClients.Producer(cluster))
        {
            await TestClients.ProduceAsync(producer, topic, partitions: 1, count: 10);
        }

        using var consumer = TestClients.Consumer(cluster, "payment-handlers");
        consumer.Subscribe(topic);
        var log = new ConsumedMessages();
        TestClients.ConsumeUntil(consumer, log, l => l.HasAll(0, 0, 10), "offsets 0..9");
        var commit = new[] { new TopicPartitionOffset(topic, 0, 10) };

        cluster.PushRequestErrors(KafkaApi.OffsetCommit, ErrorCode.RebalanceInProgress);

        var failure = Assert.ThrowsAny<KafkaException>(() => consumer.Commit(commit));
        Assert.Equal(ErrorCode.RebalanceInProgress, failure.Error.Code);
        consumer.Commit(commit);
        var committed = consumer.Committed(commit.Select(c => c.TopicPartition), TestClients.Limit);
        Assert.Equal(10, committed.Single().Offset.Value);
        consumer.Close();
    }

    [Fact]
    public async Task Mock_cluster_deleting_records_moves_the_low_watermark_and_puts_older_offsets_out_of_range()
    {
        const string topic = "audit";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 2);
        using (var producer = TestClients.Producer(cluster))
        {
            await TestClients.ProduceAsync(producer, topic, partitions: 2, count: 20);
        }

        cluster.DeleteRecords(topic, partition: 0, beforeOffset: 4);

        using var consumer = TestClients.Consumer(cluster, "auditors", AutoOffsetReset.Error);
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TestClients.Limit);
        Assert.Equal((4L, 10L), (watermarks.Low.Value, watermarks.High.Value));
        var untouched = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 1), TestClients.Limit);
        Assert.Equal((0L, 10L), (untouched.Low.Value, untouched.High.Value));

        consumer.Assign(new TopicPartitionOffset(topic, 0, 0));
        var outOfRange = Assert.Throws<ConsumeException>(() =>
            TestClients.ConsumeUntil(consumer, new ConsumedMessages(), _ => false,
                "the fetch below the log start to fail"));
        Assert.Equal(ErrorCode.Local_AutoOffsetReset, outOfRange.Error.Code);
    }

    [Fact]
    public void Mock_cluster_deleting_records_past_the_end_or_of_an_unknown_partition_throws_the_broker_error()
    {
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("audit", partitions: 1);

        Assert.Equal(ErrorCode.OffsetOutOfRange,
            Assert.Throws<KafkaException>(() => cluster.DeleteRecords("audit", 0, beforeOffset: 1)).Error.Code);
        Assert.Equal(ErrorCode.UnknownTopicOrPart,
            Assert.Throws<KafkaException>(() => cluster.DeleteRecords("audit", 1, beforeOffset: 0)).Error.Code);
    }

    [Fact]
    public async Task Mock_cluster_a_group_keeps_consuming_and_committing_after_its_coordinator_moves()
    {
        const string topic = "shipments";
        const string group = "shippers";
        const int partitions = 4;
        using var cluster = MockKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(topic, partitions);
        using var producer = TestClients.Producer(cluster);
        using var consumer = TestClients.Consumer(cluster, group);
        consumer.Subscribe(topic);
        var log = new ConsumedMessages();

        // Two moves, so that at least one of them really changes the coordinator, whichever broker had the group.
        for (var round = 0; round < 2; round++)
        {
            cluster.MoveGroupCoordinator(group, brokerId: round + 1);
            await TestClients.ProduceAsync(producer, topic, partitions, count: 40, first: round * 40);
            var end = (round + 1) * 10L;
            TestClients.ConsumeUntil(consumer, log, l => Enumerable.Range(0, partitions).All(p => l.HasAll(p, 0, end)),
                $"offsets 0..{end - 1} of every partition after moving the coordinator to broker {round + 1}");

            var commits = Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, end)).ToList();
            consumer.Commit(commits);
            Assert.All(consumer.Committed(commits.Select(c => c.TopicPartition), TestClients.Limit),
                c => Assert.Equal(end, c.Offset.Value));
        }

        consumer.Close();
    }

    [Fact]
    public async Task Mock_cluster_a_group_stalls_only_on_a_downed_brokers_partitions_and_catches_up_when_it_is_back()
    {
        const string topic = "invoices";
        const int partitions = 6;
        const int downBroker = 3;
        using var cluster = MockKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(topic, partitions);
        HashSet<int> ledByDownBroker;
        using (var admin = TestClients.Admin(cluster))
        {
            ledByDownBroker = admin.GetMetadata(topic, TestClients.Limit).Topics.Single().Partitions
                .Where(p => p.Leader == downBroker).Select(p => p.PartitionId).ToHashSet();
        }

        Assert.NotEmpty(ledByDownBroker);
        using var producer = TestClients.Producer(cluster);
        using var consumer = TestClients.Consumer(cluster, "billing");
        consumer.Subscribe(topic);
        var log = new ConsumedMessages();
        TestClients.WaitForAssignment(consumer, log);

        cluster.SetBrokerDown(downBroker);
        var produced = TestClients.ProduceAsync(producer, topic, partitions, count: 60);
        var reachable = Enumerable.Range(0, partitions).Where(p => !ledByDownBroker.Contains(p)).ToList();
        TestClients.ConsumeUntil(consumer, log, l => reachable.All(p => l.HasAll(p, 0, 10)),
            $"the partitions that broker {downBroker} does not lead");
        Assert.All(ledByDownBroker, p => Assert.Empty(log.Offsets(p)));

        cluster.SetBrokerUp(downBroker);
        Assert.All(await produced, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        TestClients.ConsumeUntil(consumer, log, l => ledByDownBroker.All(p => l.HasAll(p, 0, 10)),
            $"broker {downBroker}'s partitions once it is back up");
        consumer.Close();
    }

    [Fact]
    public void Mock_cluster_a_brokers_round_trip_time_delays_its_responses()
    {
        const int rttMs = 300;
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("slow", partitions: 1);
        using var consumer = TestClients.Consumer(cluster, "slowpokes");
        consumer.QueryWatermarkOffsets(new TopicPartition("slow", 0), TestClients.Limit);

        cluster.SetBrokerRtt(brokerId: 1, rttMs);
        var started = Stopwatch.StartNew();
        consumer.QueryWatermarkOffsets(new TopicPartition("slow", 0), TestClients.Limit);

        Assert.True(started.ElapsedMilliseconds >= rttMs, $"answered in {started.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Mock_cluster_brokers_listen_on_the_loopback_address_only()
    {
        using var cluster = MockKafkaCluster.Start(brokers: 3);
        var advertised = cluster.BootstrapServers.Split(',').Select(IPEndPoint.Parse).ToList();

        Assert.Equal(3, advertised.Count);
        Assert.All(advertised, endpoint => Assert.Equal(IPAddress.Loopback, endpoint.Address));
        var listeners = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners();
        foreach (var endpoint in advertised)
        {
            Assert.Equal([IPAddress.Loopback], listeners.Where(l => l.Port == endpoint.Port).Select(l => l.Address));
        }
    }

    [Fact]
    public void Mock_cluster_calls_into_the_same_librdkafka_file_as_Confluent_Kafka_clients()
    {
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        using var producer = TestClients.Producer(cluster);

        using var process = Process.GetCurrentProcess();
        var loaded = process.Modules.Cast<ProcessModule>().Select(m => m.FileName)
            .Where(file => Path.GetFileName(file).Contains("librdkafka.", StringComparison.Ordinal)).Distinct();
        Assert.Equal([LibrdkafkaLibrary.FilePath], loaded);
        Assert.Equal(Library.VersionString, LibrdkafkaLibrary.Version);
    }

    [Fact]
    public void Mock_cluster_rejects_zero_brokers_a_second_topic_of_the_same_name_and_an_unknown_broker()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MockKafkaCluster.Start(brokers: 0));
        using var cluster = MockKafkaCluster.Start(brokers: 2);
        cluster.CreateTopic("once", partitions: 1);

        Assert.Equal(ErrorCode.TopicAlreadyExists,
            Assert.Throws<KafkaException>(() => cluster.CreateTopic("once", partitions: 1)).Error.Code);
        Assert.Equal(ErrorCode.BrokerNotAvailable,
            Assert.Throws<KafkaException>(() => cluster.SetBrokerDown(brokerId: 3)).Error.Code);
    }

    [Fact]
    public void Mock_cluster_disposing_twice_is_harmless_and_a_disposed_cluster_refuses_calls()
    {
        var cluster = MockKafkaCluster.Start(brokers: 1);

        cluster.Dispose();
        cluster.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late", partitions: 1));
        Assert.Throws<ObjectDisposedException>(() =>
            cluster.PushRequestErrors(KafkaApi.Fetch, ErrorCode.NotLeaderForPartition));
    }
}
