using System.Diagnostics;
using Elsa.Sim.Core;
using Elsa.Sim.Integration.Tests.Adapter;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Simulation;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;
using static Elsa.Sim.Integration.Tests.Group.GroupTestSupport;

namespace Elsa.Sim.Integration.Tests.Differential;

/// <summary>One scripted scenario run twice: by <see cref="ElsaConsumer"/> members on the mock Kafka cluster and by the
/// simulator's members on its virtual timeline. Both runs must end in the same place: per partition, the same log, the
/// same committed offset and the same set of offsets handled at least once (duplicates may differ; they depend on
/// timing the two worlds do not share).</summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    private const string Topic = "topic-0"; // the simulator's name for its first topic
    private const int Members = 3;
    private const int Partitions = 6;
    private const int MessagesPerPartition = 120;
    private const int ThrowingPartition = 2;
    private const long ThrowAtOffset = 60;

    /// <summary>The simulator's seed: it decides the protocol, commit interval, join times and handler latencies.</summary>
    private const ulong Seed = 1;

    [Fact]
    public Task Scripted_scenario_ends_with_the_same_handled_set_and_committed_offsets_on_the_mock_cluster_and_in_the_simulator() =>
        WithinLimit(nameof(Scripted_scenario_ends_with_the_same_handled_set_and_committed_offsets_on_the_mock_cluster_and_in_the_simulator), async () =>
        {
            var clock = Stopwatch.StartNew();
            var simulated = RunInTheSimulator();
            var simulatedMs = clock.ElapsedMilliseconds;
            var mock = await RunOnTheMockClusterAsync();
            output.WriteLine($"simulator: {simulatedMs} ms wall clock; mock cluster: {clock.ElapsedMilliseconds - simulatedMs} ms");
            foreach (var (sim, real) in simulated.Zip(mock))
            {
                output.WriteLine($"simulator {sim}\nmock      {real}");
            }

            // Both runs handled every message and committed the end of every partition …
            IReadOnlyList<PartitionOutcome> expected =
            [
                .. Enumerable.Range(0, Partitions).Select(p =>
                    new PartitionOutcome(Topic, p, LogStart: 0, HighWatermark: MessagesPerPartition, Committed: MessagesPerPartition,
                        FirstUnhandled: MessagesPerPartition, DistinctHandled: MessagesPerPartition)),
            ];
            Assert.Equal(expected, simulated);
            Assert.Equal(expected, mock);
            Assert.All(mock, p => Assert.True(p.HandledExactlyTheLog, $"{p}: handled set is {{0..{MessagesPerPartition - 1}}}"));

            // … so, the differential claim: the same end state per partition in both worlds.
            Assert.Equal(simulated, mock);
        });

    /// <summary>The script in the simulator: three members join, every partition gets its messages at the first produce
    /// tick, the handler of one partition throws once while it has work, one member restarts gracefully (a rebalance),
    /// and the run ends when every partition is drained after the fault window.</summary>
    private IReadOnlyList<PartitionOutcome> RunInTheSimulator()
    {
        var options = new SimulationOptions
        {
            Members = Members,
            Topics = 1,
            PartitionsPerTopic = Partitions,
            MessagesPerPartition = MessagesPerPartition,
            FaultWindowMs = 10_000,
            QuietWindowMs = 60_000,
            Faults = [FaultKind.HandlerException, FaultKind.MemberRestart],
            // The mock cluster's members' configuration (GroupTestSupport.MemberOptions), instead of the seed's draw.
            Pins = new ConfigurationPins
            {
                BeginOffset = StartPosition.Earliest,
                OffsetResetPolicy = OffsetResetPolicy.ResetToEarliest,
                DirectAck = false,
                CommitIntervalMs = 100,
                PrefetchCount = 10,
                PrefetchBytes = 102_400,
                MaxRestarts = 3,
                WhenExhausted = RestartExhaustedPolicy.FailGroup,
            },
        };
        var plan = new FaultPlan(
            [FaultKind.HandlerException, FaultKind.MemberRestart],
            [
                new Fault(AtMs: 600, FaultKind.HandlerException, Member: 0, Partition: ThrowingPartition, Magnitude: 0),
                new Fault(AtMs: 3_600, FaultKind.MemberRestart, Member: 1, Partition: 0, Magnitude: 1_000),
            ]);

        var result = Simulator.Run(options, Seed, plan);
        output.WriteLine($"simulator seed {Seed}: {result.Verdict}; {result.Scenario.Describe(options)}; " +
            $"{result.Stats.MessagesHandled} handled, {result.Stats.Duplicates} duplicates, {result.Stats.SimulatedMs} virtual ms");

        Assert.True(result.Passed, result.Verdict);
        // The script really happened: the handler threw once and the member restarted once.
        Assert.Equal(1, result.Stats.FaultsFired(FaultKind.HandlerException));
        Assert.Equal(1, result.Stats.FaultsFired(FaultKind.MemberRestart));
        return result.Partitions;
    }

    /// <summary>The same script on the mock cluster.</summary>
    private async Task<IReadOnlyList<PartitionOutcome>> RunOnTheMockClusterAsync()
    {
        const string group = "differential-group";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, Partitions);
        var log = new HandledLog();
        log.CrashOnceAt(ThrowingPartition, ThrowAtOffset);
        ElsaConsumer Member() => KafkaConsumers.Create(MemberOptions(cluster, group, Topic, log), new TestOutputLoggerFactory(output, LogLevel.Critical));
        var members = Enumerable.Range(0, Members).Select(_ => Member()).ToList();
        try
        {
            var crashed = CountDiagnostics([.. members]);

            // All members join.
            await Task.WhenAll(members.Select(m => m.StartAsync()));
            await WaitUntil(() => Split(members, Partitions), "three members to split the partitions");

            // Messages are produced; the handler of one partition throws once on its way through them.
            var ends = await ProduceAsync(cluster, Topic, Partitions, count: Partitions * MessagesPerPartition);

            // One member restarts gracefully: it stops (committing what it acked and leaving), and comes back.
            var leaving = members[1];
            await leaving.StopAsync();
            await WaitUntil(leaving.Completion, "the restarting member to shut down");
            await leaving.DisposeAsync();
            members[1] = Member();
            await WaitUntil(() => Split([members[0], members[2]], Partitions), "the two others to take over the restarting member's partitions");
            await members[1].StartAsync();
            await WaitUntil(() => Split(members, Partitions), "the restarted member to rejoin");

            // Everything drains; shutdown.
            await WaitUntil(() => CommittedAll(members, Topic, ends), "commits at the high watermark of every partition");
            await Task.WhenAll(members.Select(m => m.StopAsync()));
            await WaitUntil(Task.WhenAll(members.Select(m => m.Completion)), "every member to shut down");

            Assert.Equal(1, Count(crashed, DiagnosticKind.WorkerCrashed));
            var committed = ReadCommitted(cluster, group, Topic, ends.Keys).ToDictionary(c => c.Partition, c => c.Offset);
            return
            [
                .. ends.OrderBy(e => e.Key).Select(e => PartitionOutcome.Of(Topic, e.Key, logStart: 0, highWatermark: e.Value,
                    committed: committed[e.Key] < 0 ? null : committed[e.Key], log.Offsets(e.Key))),
            ];
        }
        finally
        {
            foreach (var member in members)
            {
                await member.DisposeAsync();
            }
        }
    }
}
