using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Several consumers in one host, each under its own name: its own options, hosted service, handlers and
/// metrics.</summary>
public sealed class NamedConsumerTests
{
    [Fact]
    public async Task Two_named_consumers_in_one_host_each_consume_their_topic_with_their_own_handlers_and_metrics()
    {
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("orders", partitions: 2);
        cluster.CreateTopic("payments", partitions: 3);
        var orderEnds = await ProduceAsync(cluster, "orders", partitions: 2, count: 40);
        var paymentEnds = await ProduceAsync(cluster, "payments", partitions: 3, count: 60);
        var orders = new HandledLog();
        var payments = new HandledLog();
        using var acks = new InstrumentSums("elsa.consumer.acks", byTag: "elsa.consumer");

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(orders);
        builder.Services.AddElsaConsumer<OrdersAckingLaterHandler>("orders", o => Configure(o, cluster, "order-handlers", "orders", initArgs: null));
        builder.Services.AddElsaConsumer<AckingHandler>("payments", o => Configure(o, cluster, "payment-handlers", "payments", payments));
        using var host = builder.Build();
        await host.StartAsync();
        var ordersConsumer = host.Services.GetRequiredKeyedService<ElsaConsumer>("orders");
        var paymentsConsumer = host.Services.GetRequiredKeyedService<ElsaConsumer>("payments");
        await WaitUntil(() => CommittedAll(ordersConsumer, "orders", orderEnds) && CommittedAll(paymentsConsumer, "payments", paymentEnds),
            "both consumers' commits");
        await host.StopAsync();

        Assert.Equal(2, host.Services.GetServices<IHostedService>().Count());
        Assert.Equal("order-handlers", ordersConsumer.Group);
        Assert.Equal("payment-handlers", paymentsConsumer.Group);
        Assert.True(orders.HasAll(orderEnds), "every order was handled by the orders consumer's handler");
        Assert.True(payments.HasAll(paymentEnds), "every payment was handled by the payments consumer's handler");
        Assert.Equal(orderEnds.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, "order-handlers", "orders", orderEnds.Keys));
        Assert.Equal(paymentEnds.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, "payment-handlers", "payments", paymentEnds.Keys));
        Assert.True(acks.For("orders") > 0, "the orders consumer's acks are tagged with its name");
        Assert.True(acks.For("payments") > 0, "the payments consumer's acks are tagged with its name");
    }

    [Fact]
    public void Registering_a_name_twice_is_an_error_that_says_so()
    {
        var services = new ServiceCollection().AddElsaConsumer<AckingHandler>("orders", _ => { });

        var error = Assert.Throws<InvalidOperationException>(() => services.AddElsaConsumer<AckingHandler>("orders", _ => { }));

        Assert.Equal(
            "An Elsa consumer named 'orders' is already registered; give each consumer of the process a name of its own: AddElsaConsumer(\"orders\", …).",
            error.Message);
    }

    [Fact]
    public async Task The_consumer_registered_without_a_name_is_the_default_one_and_also_a_plain_elsa_consumer()
    {
        var registrations = new ServiceCollection().AddElsaConsumer(o =>
        {
            o.Group = "g";
            o.Topics = ["t"];
            o.Handler = typeof(AckingHandler);
            o.BootstrapServers = "127.0.0.1:9092";
        });
        await using var services = registrations.BuildServiceProvider();

        Assert.Same(services.GetRequiredKeyedService<ElsaConsumer>(KafkaConsumerOptions.DefaultName), services.GetRequiredService<ElsaConsumer>());
        // Its options are the unnamed ones, as they were before consumers had names.
        Assert.Equal(KafkaConsumerOptions.DefaultName, services.GetRequiredService<IOptions<KafkaConsumerOptions>>().Value.Name);
        Assert.Throws<InvalidOperationException>(() => registrations.AddElsaConsumer(KafkaConsumerOptions.DefaultName, _ => { }));
    }

    private static void Configure(KafkaConsumerOptions options, MockKafkaCluster cluster, string group, string topic, HandledLog? initArgs)
    {
        options.Group = group;
        options.Topics = [topic];
        options.HandlerInitArgs = initArgs;
        options.BootstrapServers = cluster.BootstrapServers;
        options.CommitIntervalMs = 100;
        options.Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest, MaxWaitTimeMs = 100, SleepTimeoutMs = 100 };
        options.SessionTimeoutMs = 3_000;
    }
}
