using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Integration.Tests.MockCluster;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.DeadLetters;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>The dead-letter policy on the mock cluster: a poison message that spends its partition's restart budget is
/// written to the dead-letter topic with where it came from, and the group commits past it only after that write was
/// acknowledged — here with the dead-letter topic's broker down for a while, so the first writes fail.</summary>
public sealed class DeadLetterTests(ITestOutputHelper output)
{
    private const string Topic = "orders";
    private const string DeadLetterTopic = "orders.dead-letters";
    private const int DeadLetterBroker = 3;

    [Fact]
    public async Task A_poison_message_is_dead_lettered_once_its_broker_is_back_and_nothing_is_committed_past_it_before()
    {
        const string group = "order-takers-dlq";
        using var cluster = MockKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(Topic, partitions: 1);
        cluster.CreateTopic(DeadLetterTopic, partitions: 1);
        cluster.SetPartitionLeader(Topic, 0, 1);
        cluster.SetPartitionLeader(DeadLetterTopic, 0, DeadLetterBroker);
        cluster.MoveGroupCoordinator(group, 1);
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            for (var i = 0; i < 10; i++)
            {
                var value = i == 3 ? "{not json"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(new Order($"o{i}", i), JsonSerializerOptions.Web);
                await producer.ProduceAsync(new TopicPartition(Topic, 0), new Message<string, byte[]>
                {
                    Key = $"k{i}", Value = value, Headers = [new Header("source", "web"u8.ToArray())],
                });
            }
        }

        cluster.SetBrokerDown(DeadLetterBroker);
        var book = new OrderBook();
        await using var services = new ServiceCollection().AddSingleton(book).BuildServiceProvider();
        var options = new KafkaConsumerOptions
        {
            Group = group,
            Topics = [Topic],
            BootstrapServers = cluster.BootstrapServers,
            Handler = typeof(OrderHandler),
            CommitIntervalMs = 100,
            Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest, MaxWaitTimeMs = 100 },
            Restart = new RestartConfig { BackoffMs = 50, MaxBackoffMs = 200, MaxRestarts = 1, WithinMs = 600_000, WhenExhausted = RestartExhaustedPolicy.DeadLetter },
            DeadLetterTopic = DeadLetterTopic,
            // A write to the downed broker gives up after a second, so the test sees failed writes retried.
            DeadLetterProperties = { ["message.timeout.ms"] = "1000" },
            SessionTimeoutMs = 6_000,
            KafkaProperties = { ["reconnect.backoff.max.ms"] = "500" },
        };
        await using var consumer = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output, LogLevel.Warning), services: services);
        var failedWrites = 0;
        var committedWhileFailing = new List<long>();
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        consumer.DiagnosticReported += (_, d) =>
        {
            switch (d.Kind)
            {
                case DiagnosticKind.DeadLetterFailed:
                    Interlocked.Increment(ref failedWrites);
                    lock (committedWhileFailing)
                    {
                        committedWhileFailing.AddRange(consumer.GetCommittedOffsets(Topic).Select(c => c.NextOffset));
                    }

                    break;
                case DiagnosticKind.DeadLettered:
                    written.TrySetResult();
                    break;
                default:
                    break;
            }
        };

        await consumer.StartAsync();
        await WaitUntil(() => Volatile.Read(ref failedWrites) >= 2, "two dead-letter writes to fail while their broker is down");
        await WaitUntil(() => consumer.GetCommittedOffsets(Topic).Any(c => c.NextOffset == 3), "the commit of the good messages before the poison one");
        Assert.DoesNotContain(consumer.GetCommittedOffsets(Topic), c => c.NextOffset > 3);
        cluster.SetBrokerUp(DeadLetterBroker);
        await WaitUntil(written.Task, "the dead letter to be written once its broker is back");
        await WaitUntil(() => CommittedAll(consumer, Topic, new Dictionary<int, long> { [0] = 10 }), "commits past the poison message, up to 10");
        await consumer.StopAsync();
        await consumer.Completion;

        // Nothing was committed past the poison message while its dead letter was not written.
        lock (committedWhileFailing)
        {
            Assert.All(committedWhileFailing, c => Assert.True(c <= 3, $"committed {c} while the dead letter was not written"));
        }

        // Every good message was handled, the poison one never reached the handler, and the group went on after it.
        Assert.Equal([0L, 1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L], book.Batches.SelectMany(b => b).Select(m => m.Offset).Distinct().Order());
        var letters = ReadAll(cluster, DeadLetterTopic);
        Assert.NotEmpty(letters);
        Assert.All(letters, letter =>
        {
            Assert.Equal("k3", letter.Key);
            Assert.Equal("{not json", letter.Value);
            Assert.Equal(Topic, Header(letter, "elsa.dead_letter.topic"));
            Assert.Equal("0", Header(letter, "elsa.dead_letter.partition"));
            Assert.Equal("3", Header(letter, "elsa.dead_letter.offset"));
            Assert.Equal(group, Header(letter, "elsa.dead_letter.group"));
            Assert.Contains("the value of orders/0 at offset 3 did not deserialize", Header(letter, "elsa.dead_letter.reason"), StringComparison.Ordinal);
            Assert.Equal("web", Header(letter, "source"));
        });
        Assert.Equal([(0, 10L)], ReadCommitted(cluster, group, Topic, [0]));
    }

    [Fact]
    public async Task A_plain_handler_that_throws_on_a_batch_has_the_batch_handed_over_singly_so_only_the_failing_message_is_dead_lettered()
    {
        const string group = "refunders-dlq";
        using var paused = new InstrumentSums("elsa.consumer.partitions.paused", byTag: "elsa.group");
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, partitions: 1);
        cluster.CreateTopic(DeadLetterTopic, partitions: 1);
        using (var producer = TestClients.Producer(cluster))
        {
            await Produce(producer, Topic, partition: 0, count: 10);
        }

        var handler = new ThrowsOnFive();
        await using var services = new ServiceCollection().AddSingleton(handler).BuildServiceProvider();
        var options = new KafkaConsumerOptions
        {
            Group = group,
            Topics = [Topic],
            BootstrapServers = cluster.BootstrapServers,
            Handler = typeof(ThrowsOnFiveHandler),
            CommitIntervalMs = 100,
            // The window holds six messages before it pauses: the first batch is offsets 0..5, the failing one last.
            Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest, PrefetchCount = 5, PrefetchBytes = 0, MaxWaitTimeMs = 100 },
            Restart = new RestartConfig { BackoffMs = 10, MaxRestarts = 1, WithinMs = 600_000, WhenExhausted = RestartExhaustedPolicy.DeadLetter },
            DeadLetterTopic = DeadLetterTopic,
            SessionTimeoutMs = 6_000,
        };
        await using var consumer = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output, LogLevel.Warning), services: services);
        await consumer.StartAsync();
        await WaitUntil(() => paused.For(group) == 1, "the first window to fill");
        handler.Open();
        await WaitUntil(() => CommittedAll(consumer, Topic, new Dictionary<int, long> { [0] = 10 }), "commits past the failing message, up to 10");
        await consumer.StopAsync();

        // The first batch (0..5) failed as a whole; its messages were then handed over one at a time, so the next failure
        // named offset 5, the restart budget was spent on it, and only it went to the dead-letter topic.
        Assert.Equal(6, handler.Batches[0].Count);
        Assert.All(handler.Batches.Skip(1).TakeWhile(b => b[0] <= 5), b => Assert.Single(b));
        var letter = Assert.Single(ReadAll(cluster, DeadLetterTopic));
        Assert.Equal("5", Header(letter, "elsa.dead_letter.offset"));
        Assert.Equal("m5", letter.Value);
        Assert.Equal(Enumerable.Range(0, 10).Where(o => o != 5).Select(o => (long)o), handler.Handled.Distinct().Order());
    }

    [Fact]
    public void Dead_letter_options_that_cannot_work_are_refused_each_by_name()
    {
        static KafkaConsumerOptions Options(RestartExhaustedPolicy policy, string? topic) => new()
        {
            Group = "g", Topics = [Topic], Handler = typeof(ThrowsOnFiveHandler), BootstrapServers = "127.0.0.1:9092",
            Restart = new RestartConfig { WhenExhausted = policy }, DeadLetterTopic = topic,
        };

        string[] Problems(KafkaConsumerOptions o) =>
            [.. Assert.Throws<InvalidConfigurationException>(() => KafkaConsumers.Create(o, services: new ServiceCollection().BuildServiceProvider())).Problems];

        Assert.Equal(["restart.when_exhausted is dead_letter but no dead-letter destination is set (dead_letters, or the Kafka adapter's dead_letter_topic)"],
            Problems(Options(RestartExhaustedPolicy.DeadLetter, null)));
        Assert.Equal(["a dead-letter destination is set but restart.when_exhausted is ParkPartition: nothing would ever be dead-lettered (set it to DeadLetter)"],
            Problems(Options(RestartExhaustedPolicy.ParkPartition, DeadLetterTopic)));
        Assert.Equal([$"dead_letter_topic '{Topic}' is one of the consumed topics: a poison message would come back to the handler it failed"],
            Problems(Options(RestartExhaustedPolicy.DeadLetter, Topic)));
        var managed = Options(RestartExhaustedPolicy.DeadLetter, DeadLetterTopic);
        managed.DeadLetterProperties["acks"] = "1";
        Assert.Equal(["dead_letter_properties must not set 'acks': the dead-letter producer sets it itself"], Problems(managed));
    }

    // A fatal producer error leaves a librdkafka producer unusable for good (here the idempotent producer's id is
    // refused: InitProducerId answered with an authorization error): a writer that kept it failed every later dead
    // letter, and its partition retried forever.
    [Fact]
    public async Task After_a_fatal_producer_error_the_writer_builds_a_new_producer_and_the_next_dead_letter_lands()
    {
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(DeadLetterTopic, partitions: 1);
        using var writer = new KafkaDeadLetterWriter(new KafkaConsumerOptions
        {
            Group = "g", Topics = [Topic], BootstrapServers = cluster.BootstrapServers, DeadLetterTopic = DeadLetterTopic,
        });
        using var timeout = new CancellationTokenSource(TestClients.Limit);
        DeadLetterMessage Letter(long offset) =>
            new("g", new ConsumedMessage(Topic, 0, offset, 0, Encoding.UTF8.GetBytes($"key-{offset}"), Encoding.UTF8.GetBytes($"value-{offset}"), 1), "poison");

        const KafkaApi initProducerId = (KafkaApi)22;
        cluster.PushRequestErrors(initProducerId, ErrorCode.ClusterAuthorizationFailed);
        // The producer goes fatal (librdkafka logs it) and purges the letter it was sending.
        var failed = await Assert.ThrowsAnyAsync<KafkaException>(async () => await writer.WriteAsync(Letter(1), timeout.Token));
        output.WriteLine($"{failed.Error.Code}: {failed.Error.Reason}");

        await writer.WriteAsync(Letter(2), timeout.Token);

        Assert.Equal(["key-2"], ReadAll(cluster, DeadLetterTopic).Select(m => m.Key));
    }

    private static string Header(Message<string, string> message, string key) =>
        Encoding.UTF8.GetString(message.Headers.GetLastBytes(key));

    private static List<Message<string, string>> ReadAll(MockKafkaCluster cluster, string topic)
    {
        using var reader = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers, GroupId = "dead-letter-reader", AutoOffsetReset = AutoOffsetReset.Earliest, EnablePartitionEof = true,
        }).Build();
        reader.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var messages = new List<Message<string, string>>();
        while (reader.Consume(TestClients.Limit) is { } result && !result.IsPartitionEOF)
        {
            messages.Add(result.Message);
        }

        return messages;
    }
}

/// <summary>What <see cref="ThrowsOnFiveHandler"/>s saw: each batch's offsets, and the offsets handled; they wait in
/// InitAsync until the test opens the gate.</summary>
internal sealed class ThrowsOnFive
{
    private readonly List<IReadOnlyList<long>> _batches = [];
    private readonly List<long> _handled = [];
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Opened => _open.Task;

    public IReadOnlyList<IReadOnlyList<long>> Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches];
            }
        }
    }

    public IReadOnlyList<long> Handled
    {
        get
        {
            lock (_batches)
            {
                return [.. _handled];
            }
        }
    }

    public void Open() => _open.TrySetResult();

    /// <summary>Records a batch; throws, without saying which message, when it holds offset 5.</summary>
    public void Handle(IReadOnlyList<ConsumedMessage> messages)
    {
        lock (_batches)
        {
            _batches.Add([.. messages.Select(m => m.Offset)]);
            if (messages.Any(m => m.Offset == 5))
            {
                throw new InvalidOperationException("something in this batch is wrong");
            }

            _handled.AddRange(messages.Select(m => m.Offset));
        }
    }
}

/// <summary>A plain handler that fails a whole batch when one message of it (offset 5) is bad.</summary>
internal sealed class ThrowsOnFiveHandler(ThrowsOnFive state) : IMessageHandler
{
    public async ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => await state.Opened.WaitAsync(cancellationToken);

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        state.Handle(messages);
        return ValueTask.FromResult(HandlerResult.Ack);
    }
}
