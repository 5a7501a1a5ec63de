using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Kafka.Options;
using Elsa.Sim.Kafka.Port;

namespace Elsa.Sim.Kafka.DeadLetters;

/// <summary>Writes poison messages to <see cref="KafkaConsumerOptions.DeadLetterTopic"/> with an idempotent producer
/// (<c>acks=all</c>): a write completes once every in-sync replica has the message, so the consumer commits past a poison
/// message only when it is durably in the dead-letter topic. The producer is created at the first write, and again at the
/// next write after it reported a fatal error (an idempotent producer's id or sequence refused): a producer in that state
/// fails every write for good, and the partition waiting on it would retry forever.</summary>
internal sealed class KafkaDeadLetterWriter : IDeadLetterWriter, IDisposable
{
    /// <summary>Header names: where a dead letter came from and why.</summary>
    public const string TopicHeader = "elsa.dead_letter.topic";
    public const string PartitionHeader = "elsa.dead_letter.partition";
    public const string OffsetHeader = "elsa.dead_letter.offset";
    public const string GroupHeader = "elsa.dead_letter.group";
    public const string ReasonHeader = "elsa.dead_letter.reason";

    /// <summary>What the writer sets itself; <see cref="KafkaConsumerOptions.DeadLetterProperties"/> may not.</summary>
    public static readonly IReadOnlySet<string> ManagedProperties = new HashSet<string>(StringComparer.Ordinal)
    {
        "bootstrap.servers", "acks", "enable.idempotence",
    };

    private readonly string _topic;
    private readonly ProducerConfig _config;
    private readonly Lock _lock = new();
    private Producer? _producer;

    public KafkaDeadLetterWriter(KafkaConsumerOptions options)
    {
        _topic = options.DeadLetterTopic ?? throw new ArgumentException("no dead-letter topic", nameof(options));
        _config = new ProducerConfig { MessageTimeoutMs = 30_000 };
        foreach (var (key, value) in options.DeadLetterProperties)
        {
            _config.Set(key, value);
        }

        _config.BootstrapServers = options.BootstrapServers;
        _config.Acks = Acks.All;
        _config.EnableIdempotence = true;
    }

    public async ValueTask WriteAsync(DeadLetterMessage letter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var original = letter.Message;
        var headers = KafkaHeaders.ToKafka(original.Headers);
        headers.Add(TopicHeader, Encoding.UTF8.GetBytes(original.Topic));
        headers.Add(PartitionHeader, Encoding.UTF8.GetBytes(original.Partition.ToString(CultureInfo.InvariantCulture)));
        headers.Add(OffsetHeader, Encoding.UTF8.GetBytes(original.Offset.ToString(CultureInfo.InvariantCulture)));
        headers.Add(GroupHeader, Encoding.UTF8.GetBytes(letter.Group));
        headers.Add(ReasonHeader, Encoding.UTF8.GetBytes(letter.Reason));
        var message = new Message<byte[], byte[]>
        {
            Key = original.Key.IsEmpty ? null! : original.Key.ToArray(),
            Value = original.Value.IsEmpty ? null! : original.Value.ToArray(),
            Headers = headers,
            Timestamp = new Timestamp(original.TimestampMs, TimestampType.CreateTime),
        };
        var producer = CurrentProducer();
        DeliveryResult<byte[], byte[]> delivered;
        try
        {
            delivered = await producer.Client.ProduceAsync(_topic, message, cancellationToken);
        }
        catch (KafkaException e) when (e.Error.IsFatal)
        {
            // Said here too, in case the error callback has not run yet.
            producer.MarkFatal();
            throw;
        }

        if (delivered.Status != PersistenceStatus.Persisted)
        {
            throw new KafkaException(new Error(ErrorCode.Local_MsgTimedOut, $"the dead letter's delivery is {delivered.Status}, not persisted"));
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _producer?.Client.Flush(TimeSpan.FromSeconds(5));
            _producer?.Client.Dispose();
            _producer = null;
        }
    }

    /// <summary>The producer to write with: the current one, or a new one when there is none yet or the current one went
    /// fatal (it is disposed; a write still under way on it fails, and is retried).</summary>
    private Producer CurrentProducer()
    {
        lock (_lock)
        {
            if (_producer is { Fatal: true } broken)
            {
                broken.Client.Dispose();
                _producer = null;
            }

            return _producer ??= new Producer(_config);
        }
    }

    /// <summary>A producer, and whether librdkafka reported it fatal (on a thread of its own).</summary>
    private sealed class Producer
    {
        private volatile bool _fatal;

        public Producer(ProducerConfig config) =>
            Client = new ProducerBuilder<byte[], byte[]>(config).SetErrorHandler((_, error) => _fatal |= error.IsFatal).Build();

        public IProducer<byte[], byte[]> Client { get; }

        public bool Fatal => _fatal;

        public void MarkFatal() => _fatal = true;
    }
}
