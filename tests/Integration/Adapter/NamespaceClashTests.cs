using Confluent.Kafka;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.Health;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>A user's file imports Confluent.Kafka beside the public namespaces of the Elsa.Sim packages a consumer uses, and names both libraries'
/// types without qualifying them. This file compiles only while no Elsa.Sim type shares a name with a Confluent.Kafka
/// type a user names (before, <c>ConsumerConfig</c> and <c>TopicPartition</c> did, and every such file needed aliases).</summary>
public sealed class NamespaceClashTests
{
    [Fact]
    public void Confluent_and_Elsa_types_are_named_side_by_side_without_aliases()
    {
        var kafka = new ConsumerConfig { GroupId = "orders-group", BootstrapServers = "127.0.0.1:9092" };
        var elsa = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest };
        var options = new KafkaConsumerOptions { Group = kafka.GroupId, Topics = ["orders"], Config = elsa };
        var confluentPartition = new TopicPartition("orders", 3);
        var elsaPartition = new TopicPartitionId(confluentPartition.Topic, confluentPartition.Partition.Value);

        Assert.Equal("orders-group", options.Group);
        Assert.Equal(StartPosition.Earliest, options.Config.BeginOffset);
        Assert.Equal(new TopicPartitionId("orders", 3), elsaPartition);
    }
}
