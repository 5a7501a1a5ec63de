using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary><c>AddElsaConsumerHealthCheck</c>: healthy while a named consumer runs, degraded when a partition is parked or
/// has spent its restart budget, unhealthy when the consumer failed; the description names the consumer and why.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task A_running_consumer_is_healthy()
    {
        var (cluster, ends) = await ClusterAsync();
        using var owned = cluster;
        await using var services = Services(cluster, o => o.Handler = typeof(AckingHandler));
        var consumer = await StartAsync(services);
        await WaitUntil(() => CommittedAll(consumer, "orders", ends), "the consumer's commits");

        var report = await Check(services);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal("Elsa consumer 'orders' (group order-handlers) is running: no partition parked or out of restarts", report.Description);
    }

    [Fact]
    public async Task A_consumer_with_a_parked_partition_is_degraded_and_says_which()
    {
        var (cluster, _) = await ClusterAsync();
        using var owned = cluster;
        await using var services = Services(cluster, o =>
        {
            o.Handler = typeof(ThrowingHandler);
            o.Restart = new RestartConfig { BackoffMs = 1, MaxBackoffMs = 1, MaxRestarts = 0, WhenExhausted = RestartExhaustedPolicy.ParkPartition };
        });
        var consumer = await StartAsync(services);
        await WaitUntil(() => consumer.Status.ParkedPartitions.Count == 2, "both partitions to be parked");

        var report = await Check(services);

        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Equal("Elsa consumer 'orders' (group order-handlers) is degraded: parked until reassigned, their restart budget spent: orders/0, orders/1", report.Description);
    }

    [Fact]
    public async Task A_consumer_whose_partition_spent_its_restart_budget_is_degraded_and_says_which()
    {
        var (cluster, ends) = await ClusterAsync();
        using var owned = cluster;
        var log = new HandledLog();
        log.CrashOnceAt(partition: 1, offset: 0);
        await using var services = Services(cluster, o =>
        {
            o.Handler = typeof(AckingHandler);
            o.HandlerInitArgs = log;
            // One restart allowed in an hour: the crash spends it, and the window outlasts the test.
            o.Restart = new RestartConfig { BackoffMs = 1, MaxBackoffMs = 1, MaxRestarts = 1, WithinMs = 3_600_000 };
        });
        var consumer = await StartAsync(services);
        await WaitUntil(() => CommittedAll(consumer, "orders", ends), "the consumer's commits after the crash");

        var report = await Check(services);

        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Equal("Elsa consumer 'orders' (group order-handlers) is degraded: restart budget spent (one more crash parks them or fails the group): orders/1", report.Description);
    }

    [Fact]
    public async Task A_failed_consumer_is_unhealthy_and_says_why()
    {
        var (cluster, _) = await ClusterAsync();
        using var owned = cluster;
        await using var services = Services(cluster, o =>
        {
            o.Handler = typeof(AckingHandler);
            o.AssignmentReceivedHandler = (_, _, _, _) => ValueTask.FromResult(CallbackOutcome.Failed("no database"));
        });
        var consumer = await StartAsync(services);
        await WaitUntil(() => consumer.FailureReason is not null, "the consumer to fail");

        var report = await Check(services);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.StartsWith("Elsa consumer 'orders' (group order-handlers) failed: ", report.Description, StringComparison.Ordinal);
        Assert.Contains("no database", report.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_check_of_a_consumer_nobody_registered_says_so()
    {
        await using var services = new ServiceCollection().AddLogging().AddHealthChecks().AddElsaConsumerHealthCheck("refunds").Services.BuildServiceProvider();

        var report = await Check(services, "refunds");

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal("no Elsa consumer named 'refunds' is registered (AddElsaConsumer(\"refunds\", …))", report.Description);
    }

    /// <summary>A cluster with the topic "orders" of two partitions and 20 messages, and each partition's end.</summary>
    private static async Task<(MockKafkaCluster Cluster, Dictionary<int, long> Ends)> ClusterAsync()
    {
        var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("orders", partitions: 2);
        return (cluster, await ProduceAsync(cluster, "orders", partitions: 2, count: 20));
    }

    private static ServiceProvider Services(MockKafkaCluster cluster, Action<KafkaConsumerOptions> configure) =>
        new ServiceCollection()
            .AddLogging()
            .AddElsaConsumer("orders", o =>
            {
                o.Group = "order-handlers";
                o.Topics = ["orders"];
                o.BootstrapServers = cluster.BootstrapServers;
                o.CommitIntervalMs = 100;
                o.Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest, MaxWaitTimeMs = 100, SleepTimeoutMs = 100 };
                o.SessionTimeoutMs = 3_000;
                o.HandlerInitArgs = new HandledLog();
                configure(o);
            })
            .AddHealthChecks().AddElsaConsumerHealthCheck("orders").Services
            .BuildServiceProvider();

    private static async Task<ElsaConsumer> StartAsync(IServiceProvider services)
    {
        var consumer = services.GetRequiredKeyedService<ElsaConsumer>("orders");
        await consumer.StartAsync();
        return consumer;
    }

    private static async Task<HealthReportEntry> Check(IServiceProvider services, string consumer = "orders") =>
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[$"elsa-consumer-{consumer}"];
}
