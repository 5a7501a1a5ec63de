using Confluent.Kafka;
using Elsa.Sim.Integration.Tests.MockCluster;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;

namespace Elsa.Sim.Integration.Tests.Cli;

/// <summary><c>elsa-sim broker</c> in process: the mock cluster on its own, serving ordinary Kafka clients at the address
/// it prints, until Ctrl+C (a cancelled token).</summary>
public sealed class BrokerCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Broker_serves_its_topics_at_the_bootstrap_address_it_prints_until_ctrl_c()
    {
        using var stdout = new LineWriter();
        using var stderr = new StringWriter();
        using var ctrlC = new CancellationTokenSource();
        var run = Elsa.Sim.Cli.Cli.RunAsync(["broker", "--topic", "greetings:2", "--topic", "farewells"], stdout, stderr, ctrlC.Token);
        try
        {
            var announced = stdout.LineAsync(l => l.StartsWith("bootstrap: ", StringComparison.Ordinal));
            await WaitUntil(announced, "the broker's bootstrap line");
            var bootstrap = (await announced)["bootstrap: ".Length..];
            Assert.StartsWith("127.0.0.1:", bootstrap, StringComparison.Ordinal);
            Assert.Contains("topic greetings: 2 partitions", stdout.Lines);
            Assert.Contains("topic farewells: 1 partition", stdout.Lines);

            using (var producer = TestClients.Producer(bootstrap))
            {
                var delivered = await producer.ProduceAsync(new TopicPartition("greetings", 1), new Message<string, string> { Key = "k", Value = "hello" });
                Assert.Equal(0, delivered.Offset.Value);
            }

            using var consumer = TestClients.Consumer(bootstrap, "greeters");
            consumer.Assign(new TopicPartitionOffset("greetings", 1, Offset.Beginning));
            var consumed = new ConsumedMessages();
            TestClients.ConsumeUntil(consumer, consumed, c => c.Count == 1, "the message produced through the broker");
            Assert.Equal([0L], consumed.Offsets(1));
        }
        finally
        {
            await ctrlC.CancelAsync();
            await WaitUntil(run, "the broker to stop after Ctrl+C");
            output.WriteLine(stdout.ToString());
            output.WriteLine(stderr.ToString());
        }

        Assert.Equal(0, await run);
        Assert.Equal("stopped", stdout.Lines[^1]);
    }

    [Fact]
    public void Broker_with_a_bad_topic_names_it_and_the_form_it_takes_and_exits_2()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = Elsa.Sim.Cli.Cli.Run(["broker", "--topic", "orders:many", "--brokers", "0"], stdout, stderr);

        Assert.Equal(2, exit);
        Assert.Contains("--topic takes NAME or NAME:PARTITIONS, with PARTITIONS from 1 to 1000 (was 'orders:many')", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("--brokers must be 1 to 16 (was 0)", stderr.ToString(), StringComparison.Ordinal);
    }
}
