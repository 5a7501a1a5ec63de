using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Integration.Tests.MockCluster;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.Messages;
using Elsa.Sim.Kafka.MockCluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Typed handlers (<see cref="MessageHandler{TKey,TValue}"/>): keys and values deserialized with Confluent.Kafka
/// deserializers, and a message that does not deserialize treated as a poison message — the messages before it handled
/// and acked once, the restarts and the exhausted policy falling on the poison message itself.</summary>
public sealed class TypedMessageTests(ITestOutputHelper output)
{
    private const string Topic = "orders";

    [Fact]
    public async Task A_batch_is_deserialized_in_offset_order_with_keys_values_and_headers()
    {
        var book = new OrderBook();
        var handler = new OrderHandler(book);
        MessageHeader[] headers = [new("source", "web"u8.ToArray())];
        var result = await handler.HandleMessagesAsync([Raw(0, Json(0)) with { Headers = headers }, Raw(1, Json(1))], CancellationToken.None);

        Assert.Equal(HandlerResult.Ack, result);
        var batch = Assert.Single(book.Batches);
        Assert.Equal([new Order("o0", 0), new Order("o1", 1)], batch.Select(m => m.Value));
        Assert.Equal(["k0", "k1"], batch.Select(m => m.Key));
        Assert.Equal([0L, 1L], batch.Select(m => m.Offset));
        Assert.Equal("source", Assert.Single(batch[0].Headers).Key);
        Assert.All(batch, m => Assert.Equal((Topic, 0, 7), (m.Topic, m.Partition, m.GenerationId)));
    }

    [Theory]
    [InlineData("ack", 2L)]
    [InlineData("ack-at-1", 1L)]
    [InlineData("no-ack", null)]
    [InlineData("continue", null)]
    public async Task A_value_that_does_not_deserialize_hands_the_messages_before_it_over_then_names_the_poison_and_what_was_acked(
        string answer, long? acked)
    {
        var book = new OrderBook
        {
            Result = answer switch
            {
                "ack" => HandlerResult.Ack,
                "ack-at-1" => HandlerResult.AckAt(1),
                "no-ack" => HandlerResult.NoAck,
                _ => HandlerResult.Continue,
            },
        };
        var handler = new OrderHandler(book);
        ConsumedMessage[] messages = [Raw(0, Json(0)), Raw(1, Json(1)), Raw(2, Json(2)), Raw(3, "{not json"u8.ToArray()), Raw(4, Json(4))];

        var poison = await Assert.ThrowsAsync<MessageDeserializationException>(() => handler.HandleMessagesAsync(messages, CancellationToken.None).AsTask());

        Assert.Equal([0L, 1L, 2L], Assert.Single(book.Batches).Select(m => m.Offset));
        Assert.Equal((Topic, 0, 3L, "value", acked), (poison.Topic, poison.Partition, poison.Offset, poison.Component, poison.HandledThroughOffset));
        Assert.IsAssignableFrom<JsonException>(poison.InnerException);
        Assert.Contains("value of orders/0 at offset 3 did not deserialize", poison.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_poison_message_first_in_its_batch_reaches_no_user_code_and_acks_nothing()
    {
        var handler = new NumberedOrderHandler();

        // Confluent.Kafka's Int32 deserializer refuses a key that is not four bytes long.
        var poison = await Assert.ThrowsAsync<MessageDeserializationException>(
            () => handler.HandleMessagesAsync([Raw(5, Json(5), key: [1, 2]), Raw(6, Json(6), key: [0, 0, 0, 6])], CancellationToken.None).AsTask());

        Assert.Equal(0, handler.Batches);
        Assert.Equal((5L, "key", (long?)null), (poison.Offset, poison.Component, poison.HandledThroughOffset));
    }

    [Fact]
    public void Json_deserializer_reads_a_missing_value_or_json_null_as_default_and_refuses_what_is_not_json()
    {
        var json = new JsonDeserializer<Order>();
        var context = new SerializationContext(MessageComponentType.Value, Topic);

        Assert.Null(json.Deserialize([], isNull: true, context));
        Assert.Null(json.Deserialize("null"u8, isNull: false, context));
        Assert.Equal(new Order("o9", 9), json.Deserialize("""{"ID":"o9","quantity":9}"""u8, isNull: false, context));
        Assert.ThrowsAny<JsonException>(() => json.Deserialize("{not json"u8, isNull: false, context));
    }

    [Fact]
    public async Task A_message_that_does_not_deserialize_on_the_mock_cluster_is_restarted_at_and_parked_without_handling_the_good_ones_twice()
    {
        const string group = "order-takers";
        using var paused = new InstrumentSums("elsa.consumer.partitions.paused", byTag: "elsa.group");
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, partitions: 1);
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(new TopicPartition(Topic, 0), new Message<string, byte[]> { Key = $"k{i}", Value = i == 3 ? "{not json"u8.ToArray() : Json(i) });
            }
        }

        var book = new OrderBook(open: false);
        await using var services = new ServiceCollection().AddSingleton(book).BuildServiceProvider();
        var options = new Kafka.Options.KafkaConsumerOptions
        {
            Group = group,
            Topics = [Topic],
            BootstrapServers = cluster.BootstrapServers,
            Handler = typeof(OrderHandler),
            CommitIntervalMs = 100,
            // The window holds six messages before it pauses the partition, so the first batch holds the poison message
            // (offset 3) after three good ones.
            Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest, PrefetchCount = 5, PrefetchBytes = 0, MaxWaitTimeMs = 100 },
            Restart = new RestartConfig { BackoffMs = 10, MaxRestarts = 2, WithinMs = 600_000, WhenExhausted = RestartExhaustedPolicy.ParkPartition },
            SessionTimeoutMs = 3_000,
        };
        await using var consumer = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output, LogLevel.Warning), services: services);
        var crashes = new List<string>();
        var parked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        consumer.DiagnosticReported += (_, d) =>
        {
            lock (crashes)
            {
                if (d.Kind == DiagnosticKind.WorkerCrashed)
                {
                    crashes.Add(d.Detail);
                }
            }

            if (d.Kind == DiagnosticKind.PartitionParked)
            {
                parked.TrySetResult(d.Detail);
            }
        };

        await consumer.StartAsync();
        await WaitUntil(() => paused.For(group) == 1, "the first window to fill and pause the partition");
        book.Open();
        await WaitUntil(parked.Task, "the partition to be parked at the poison message");
        await WaitUntil(() => consumer.GetCommittedOffsets(Topic).Any(c => c.NextOffset == 3), "the commit of the good messages before the poison one");
        await consumer.StopAsync();
        await consumer.Completion;

        // The good messages before the poison one were handled once, in the first batch, and acked; every restart began at
        // the poison message, so no user code ran again; nothing after it was handled or committed.
        Assert.Equal([0L, 1L, 2L], Assert.Single(book.Batches).Select(m => m.Offset));
        Assert.Equal([new Order("o0", 0), new Order("o1", 1), new Order("o2", 2)], book.Batches[0].Select(m => m.Value));
        // Two restarts, then the third crash spends the budget and parks the partition; each names the poison message.
        Assert.Equal(2, crashes.Count);
        Assert.All(crashes.Append(await parked.Task), c => Assert.Contains("the value of orders/0 at offset 3 did not deserialize", c, StringComparison.Ordinal));
        Assert.Equal([(0, 3L)], ReadCommitted(cluster, group, Topic, [0]));
    }

    private static ConsumedMessage Raw(long offset, byte[] value, byte[]? key = null) =>
        new(Topic, 0, offset, TimestampMs: 1_000 + offset, key ?? Encoding.UTF8.GetBytes($"k{offset}"), value, GenerationId: 7);

    private static byte[] Json(int i) => JsonSerializer.SerializeToUtf8Bytes(new Order($"o{i}", i), JsonSerializerOptions.Web);
}

/// <summary>An order, as JSON in the test topic's values.</summary>
public sealed record Order(string Id, int Quantity);

/// <summary>What the typed test handlers saw, batch by batch, and what they answer; handlers wait in InitAsync until the
/// test opens the book.</summary>
internal sealed class OrderBook
{
    private readonly List<IReadOnlyList<ConsumedMessage<string, Order>>> _batches = [];
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OrderBook(bool open = true)
    {
        if (open)
        {
            _open.SetResult();
        }
    }

    public HandlerResult Result { get; init; } = HandlerResult.Ack;

    public Task Opened => _open.Task;

    public IReadOnlyList<IReadOnlyList<ConsumedMessage<string, Order>>> Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches];
            }
        }
    }

    public void Open() => _open.TrySetResult();

    public void Add(IReadOnlyList<ConsumedMessage<string, Order>> batch)
    {
        lock (_batches)
        {
            _batches.Add([.. batch]);
        }
    }
}

/// <summary>A typed handler: UTF-8 keys, JSON orders.</summary>
internal sealed class OrderHandler(OrderBook book) : MessageHandler<string, Order>(Deserializers.Utf8, new JsonDeserializer<Order>())
{
    public override async ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) =>
        await book.Opened.WaitAsync(cancellationToken);

    protected override ValueTask<HandlerResult> HandleAsync(IReadOnlyList<ConsumedMessage<string, Order>> messages, CancellationToken cancellationToken)
    {
        book.Add(messages);
        return ValueTask.FromResult(book.Result);
    }
}

/// <summary>A typed handler with big-endian 32-bit keys, counting the batches it was handed.</summary>
internal sealed class NumberedOrderHandler() : MessageHandler<int, Order>(Deserializers.Int32, new JsonDeserializer<Order>())
{
    public int Batches { get; private set; }

    protected override ValueTask<HandlerResult> HandleAsync(IReadOnlyList<ConsumedMessage<int, Order>> messages, CancellationToken cancellationToken)
    {
        Batches++;
        return ValueTask.FromResult(HandlerResult.Ack);
    }
}
