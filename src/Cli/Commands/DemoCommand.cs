using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using Elsa.Sim.Cli.Options;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;
using Spectre.Console;

namespace Elsa.Sim.Cli.Commands;

/// <summary><c>elsa-sim demo</c>: a real group of Elsa consumers on the embedded Kafka mock cluster (loopback only). It
/// produces messages, runs the group, kills one member and makes one handler throw mid-run, stops gracefully, and prints
/// per partition what was produced, handled, duplicated, lost and committed.</summary>
internal static class DemoCommand
{
    private const string Topic = "demo";
    private const string Group = "elsa-demo";
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(50);

    public static Command Create(Io io)
    {
        var messages = WholeNumberOption.Create("--messages", "How many messages to produce (1 to 1,000,000).", 3_000);
        var partitions = WholeNumberOption.Create("--partitions", "How many partitions the topic has (1 to 64).", 12);
        var members = WholeNumberOption.Create("--members", "How many members the group has (2 to 8; one is killed).", 3);
        var command = new Command(
            "demo",
            "Run a group of Elsa consumers on an embedded Kafka mock cluster (127.0.0.1 only), kill one member and crash one " +
            "handler mid-run, then print per partition what was produced, handled, duplicated, lost and committed. Exit codes: " +
            "0 nothing lost and everything committed; 1 something lost or left uncommitted; 2 bad usage; 70 internal error.")
        {
            messages,
            partitions,
            members,
        };
        command.SetAction(parse =>
        {
            var problems = new List<string>();
            var m = parse.GetValue(messages);
            var p = parse.GetValue(partitions);
            var n = parse.GetValue(members);
            if (m is < 1 or > 1_000_000)
            {
                problems.Add($"--messages must be 1 to 1000000 (was {m})");
            }

            if (p is < 1 or > 64)
            {
                problems.Add($"--partitions must be 1 to 64 (was {p})");
            }

            if (n is < 2 or > 8)
            {
                problems.Add($"--members must be 2 to 8: one member is killed mid-run (was {n})");
            }

            return problems.Count > 0 ? Usage.Fail(io.Error, command.Name, problems) : Run(io, m, p, n);
        });
        return command;
    }

    private static int Run(Io io, int messages, int partitions, int memberCount)
    {
        var console = io.Console;
        var clock = Stopwatch.StartNew();
        using var cluster = MockKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(Topic, partitions);
        console.WriteLine($"mock cluster {cluster.BootstrapServers}; topic {Topic} with {partitions} partitions; group {Group} of {memberCount} members");
        var recorder = new DemoRecorder();
        var owners = Enumerable.Range(0, memberCount).Select(_ => new Ownership()).ToArray();
        var members = owners.Select(owner => KafkaConsumers.Create(MemberOptions(cluster, recorder, owner))).ToArray();
        var events = new List<string>();
        var diagnostics = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            member.DiagnosticReported += (_, d) =>
            {
                lock (diagnostics)
                {
                    diagnostics[d.Kind.ToString()] = diagnostics.GetValueOrDefault(d.Kind.ToString()) + 1;
                }
            };
        }

        var ok = false;
        try
        {
            foreach (var member in members)
            {
                member.StartAsync().GetAwaiter().GetResult();
            }

            ok = WaitUntil(clock, () => owners.All(o => o.Count > 0 || partitions < memberCount) && owners.Sum(o => o.Count) == partitions,
                "the members to split the partitions", events);
            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
            {
                BootstrapServers = cluster.BootstrapServers,
                Acks = Acks.All,
                LingerMs = 5,
            }).Build();
            var half = messages / 2;
            var produced = Produce(producer, partitions, 0, half);
            ok = ok && WaitUntil(clock, () => recorder.Count >= half / 2, "the first half to be handled", events);

            // Kill a member: its handlers are cancelled at once and it leaves without waiting for them.
            var victim = members[0];
            var owned = string.Join(", ", owners[0].Partitions());
            using (var now = new CancellationTokenSource())
            {
                now.Cancel();
                victim.StopAsync(now.Token).GetAwaiter().GetResult();
            }

            events.Add($"{Format(clock)} killed member 1 (owned partitions {owned}) after {recorder.Count} messages were handled");

            // One handler throws once, on the first message of the second half of the last partition.
            var crashPartition = partitions - 1;
            var crashOffset = produced.GetValueOrDefault(crashPartition);
            recorder.CrashOnceAt(crashPartition, crashOffset);
            produced = Merge(produced, Produce(producer, partitions, half, messages - half));
            var survivors = members.Skip(1).ToArray();
            ok = ok && WaitUntil(clock, () => produced.All(e => survivors.Any(s => s.GetCommittedOffsets(Topic)
                .Any(c => c.Partition.Partition == e.Key && c.NextOffset == e.Value))), "the survivors to commit every message", events);
            if (recorder.Crashed is { } crash)
            {
                events.Add($"{Format(clock)} the handler of partition {crash.Partition} threw at offset {crash.Offset} once; its worker restarted from the last ack");
            }

            Task.WhenAll(survivors.Select(member => member.StopAsync())).GetAwaiter().GetResult();

            events.Add($"{Format(clock)} stopped the {survivors.Length} survivors gracefully");
            var committed = ReadCommitted(cluster, partitions);
            var lost = Report(console, partitions, produced, recorder, committed);
            foreach (var line in events)
            {
                console.WriteLine(line);
            }

            lock (diagnostics)
            {
                console.WriteLine($"diagnostics: {(diagnostics.Count == 0 ? "none" : string.Join(", ", diagnostics.Select(d => $"{d.Key} {d.Value}")))}");
            }

            var allCommitted = Enumerable.Range(0, partitions).All(p => committed[p] == produced.GetValueOrDefault(p));
            ok = ok && lost == 0 && allCommitted;
            console.WriteLine(ok
                ? $"PASS: {messages} messages, 0 lost, every partition committed at its end ({clock.Elapsed.TotalSeconds:F1} s)"
                : $"FAIL: {lost} lost{(allCommitted ? "" : ", some partitions not committed at their end")} ({clock.Elapsed.TotalSeconds:F1} s)");
            return ok ? ExitCodes.Passed : ExitCodes.Violation;
        }
        finally
        {
            foreach (var member in members)
            {
                member.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private static KafkaConsumerOptions MemberOptions(MockKafkaCluster cluster, DemoRecorder recorder, Ownership owner)
    {
        var options = new KafkaConsumerOptions
        {
            Group = Group,
            Topics = [Topic],
            Handler = typeof(DemoHandler),
            HandlerInitArgs = recorder,
            BootstrapServers = cluster.BootstrapServers,
            CommitIntervalMs = 200,
            Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest, MaxWaitTimeMs = 100, SleepTimeoutMs = 100 },
            // The mock coordinator waits session.timeout.ms - 1 s for members to rejoin a rebalance: keep it short.
            SessionTimeoutMs = 6_000,
            RebalanceTimeoutMs = 20_000,
            AssignmentReceivedHandler = (_, partition, _, _) =>
            {
                owner.Assigned(partition.Partition);
                return ValueTask.FromResult(CallbackOutcome.Ok);
            },
            AssignmentsRevokedHandler = (revoked, _) =>
            {
                owner.Revoked(revoked.Select(r => r.Partition));
                return ValueTask.CompletedTask;
            },
        };
        options.KafkaProperties["heartbeat.interval.ms"] = "500";
        options.KafkaProperties["reconnect.backoff.max.ms"] = "500";
        return options;
    }

    private static Dictionary<int, long> Produce(IProducer<Null, string> producer, int partitions, int first, int count)
    {
        var delivered = Task.WhenAll(Enumerable.Range(first, count).Select(i => producer.ProduceAsync(
            new TopicPartition(Topic, i % partitions), new Message<Null, string> { Value = $"message {i}" }))).GetAwaiter().GetResult();
        return delivered.GroupBy(d => d.Partition.Value).ToDictionary(g => g.Key, g => g.Max(d => d.Offset.Value) + 1);
    }

    private static Dictionary<int, long> Merge(Dictionary<int, long> a, Dictionary<int, long> b) =>
        a.Keys.Union(b.Keys).ToDictionary(k => k, k => Math.Max(a.GetValueOrDefault(k), b.GetValueOrDefault(k)));

    private static Dictionary<int, long> ReadCommitted(MockKafkaCluster cluster, int partitions)
    {
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = Group,
            EnableAutoCommit = false,
        }).Build();
        return reader.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(Topic, p)), TimeSpan.FromSeconds(10))
            .ToDictionary(c => c.Partition.Value, c => Math.Max(0, c.Offset.Value));
    }

    /// <summary>Prints the per-partition table and returns how many messages were lost.</summary>
    private static long Report(IAnsiConsole console, int partitions, Dictionary<int, long> produced, DemoRecorder recorder,
        Dictionary<int, long> committed)
    {
        var table = new Table()
            .Title("demo: per partition")
            .AddColumn(new TableColumn("partition").RightAligned())
            .AddColumn(new TableColumn("produced").RightAligned())
            .AddColumn(new TableColumn("handled").RightAligned())
            .AddColumn(new TableColumn("duplicates").RightAligned())
            .AddColumn(new TableColumn("lost").RightAligned())
            .AddColumn(new TableColumn("committed offset").RightAligned());
        long totalProduced = 0, totalHandled = 0, totalDuplicates = 0, totalLost = 0;
        for (var p = 0; p < partitions; p++)
        {
            var end = produced.GetValueOrDefault(p);
            var handled = recorder.Offsets(p);
            var distinct = handled.Where(o => o < end).Distinct().LongCount();
            var duplicates = handled.Count - handled.Distinct().LongCount();
            var lost = end - distinct;
            totalProduced += end;
            totalHandled += handled.Count;
            totalDuplicates += duplicates;
            totalLost += lost;
            table.AddRow(Cell(p), Cell(end), Cell(handled.Count), Cell(duplicates), Cell(lost), Cell(committed[p]));
        }

        table.AddRow("total", Cell(totalProduced), Cell(totalHandled), Cell(totalDuplicates), Cell(totalLost), "");
        console.Write(table);
        return totalLost;
    }

    private static string Cell(long value) => Output.Format.Count(value);

    private static bool WaitUntil(Stopwatch clock, Func<bool> condition, string waitingFor, List<string> events)
    {
        while (!condition())
        {
            if (clock.Elapsed > Budget)
            {
                events.Add($"{Format(clock)} gave up waiting for {waitingFor}");
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    private static string Format(Stopwatch clock) => $"[{clock.Elapsed.TotalSeconds,5:F1} s]";
}

/// <summary>The partitions one member owns, from its assignment callbacks.</summary>
internal sealed class Ownership
{
    private readonly HashSet<int> _partitions = [];

    public int Count
    {
        get
        {
            lock (_partitions)
            {
                return _partitions.Count;
            }
        }
    }

    public void Assigned(int partition)
    {
        lock (_partitions)
        {
            _partitions.Add(partition);
        }
    }

    public void Revoked(IEnumerable<int> partitions)
    {
        lock (_partitions)
        {
            _partitions.ExceptWith(partitions);
        }
    }

    public int[] Partitions()
    {
        lock (_partitions)
        {
            return [.. _partitions.Order()];
        }
    }
}

/// <summary>What the demo's handlers saw: every (partition, offset) handled, and one planted crash.</summary>
internal sealed class DemoRecorder
{
    private readonly object _gate = new();
    private readonly Dictionary<int, List<long>> _offsets = [];
    private (int Partition, long Offset)? _crashAt;

    public (int Partition, long Offset)? Crashed { get; private set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _offsets.Values.Sum(o => o.Count);
            }
        }
    }

    public void CrashOnceAt(int partition, long offset)
    {
        lock (_gate)
        {
            _crashAt = (partition, offset);
        }
    }

    public void Handle(ConsumedMessage message)
    {
        lock (_gate)
        {
            if (_crashAt == (message.Partition, message.Offset))
            {
                _crashAt = null;
                Crashed = (message.Partition, message.Offset);
                throw new InvalidOperationException($"demo crash at {message.Topic}/{message.Partition}@{message.Offset}");
            }

            if (!_offsets.TryGetValue(message.Partition, out var offsets))
            {
                offsets = [];
                _offsets.Add(message.Partition, offsets);
            }

            offsets.Add(message.Offset);
        }
    }

    public IReadOnlyList<long> Offsets(int partition)
    {
        lock (_gate)
        {
            return _offsets.TryGetValue(partition, out var offsets) ? [.. offsets] : [];
        }
    }
}

/// <summary>The demo's handler: records every message and acks every batch.</summary>
internal sealed class DemoHandler : IMessageHandler
{
    private DemoRecorder? _recorder;

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        _recorder = (DemoRecorder)context.InitArgs!;
        return ValueTask.CompletedTask;
    }

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            _recorder!.Handle(message);
        }

        return ValueTask.FromResult(HandlerResult.Ack);
    }
}
