using System.Diagnostics;
using Confluent.Kafka;
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

/// <summary>A seeded family of scenarios (<see cref="DifferentialScenario"/>: crashing handlers, restarting members,
/// refused commits, <c>begin_offset</c> earliest and latest, messages already in the log), each run twice: by the shipped
/// <see cref="ElsaConsumer"/> on the simulator's cluster, on its virtual clock, and by the same host on the librdkafka
/// mock cluster, in real time. Both runs must end in the same place, the place the scenario predicts: per partition, the
/// same log, the same committed offset and the same set of offsets handled at least once (duplicates may differ; they
/// depend on timing the two worlds do not share).</summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    // In the simulator: the faults are armed just before the workload arrives, so they strike while it is handled.
    private const long ProduceAtMs = 5_000;
    private const long FaultsAtMs = ProduceAtMs - 100;
    private const long RestartAtMs = ProduceAtMs + 2_000;

    // Seeds whose scenarios cover both begin_offset values, messages before the start, and every fault kind: 1 (earliest;
    // a handler throws, a member restarts, a commit is refused), 6 (earliest, messages before the start), 14 (latest,
    // messages before the start; a handler throws, a commit is refused), 27 (latest, messages before the start; a handler
    // throws, a member restarts).
    public static TheoryData<ulong> Seeds => [1, 6, 14, 27];

    [Theory]
    [MemberData(nameof(Seeds))]
    public Task Each_scenario_ends_with_the_same_handled_set_and_committed_offsets_on_the_mock_cluster_and_in_the_simulator(ulong seed) =>
        WithinLimit($"differential scenario {seed}", async () =>
        {
            var scenario = DifferentialScenario.Draw(seed);
            output.WriteLine(scenario.ToString());
            var clock = Stopwatch.StartNew();
            var simulated = RunInTheSimulator(scenario);
            var simulatedMs = clock.ElapsedMilliseconds;
            var mock = await RunOnTheMockClusterAsync(scenario);
            output.WriteLine($"simulator: {simulatedMs} ms wall clock; mock cluster: {clock.ElapsedMilliseconds - simulatedMs} ms");
            foreach (var (sim, real) in simulated.Zip(mock))
            {
                output.WriteLine($"simulator {sim}\nmock      {real}");
            }

            Assert.Equal(scenario.Expected, simulated);
            Assert.Equal(scenario.Expected, mock);
            Assert.Equal(simulated, mock);
        });

    /// <summary>The scenario in the simulator: the seed's members join, the workload arrives at 5 virtual seconds, the
    /// faults are armed just before it, a restart follows 2 s later, and the run ends when every partition is drained.</summary>
    private IReadOnlyList<PartitionOutcome> RunInTheSimulator(DifferentialScenario scenario)
    {
        var options = new SimulationOptions
        {
            Members = scenario.Members,
            Topics = 1,
            PartitionsPerTopic = scenario.Partitions,
            MessagesBeforeStart = scenario.MessagesBeforeStart == 0 ? null : scenario.MessagesBeforeStart,
            MessagesPerPartition = scenario.Messages,
            ScriptedProduceAtMs = ProduceAtMs,
            FaultWindowMs = 20_000,
            QuietWindowMs = 60_000,
            Faults = [FaultKind.HandlerException, FaultKind.MemberRestart, FaultKind.CommitFailure],
            // The mock cluster's members' configuration (GroupTestSupport.MemberOptions), instead of the seed's draw.
            Pins = new ConfigurationPins
            {
                BeginOffset = scenario.BeginOffset,
                OffsetResetPolicy = OffsetResetPolicy.ResetToEarliest,
                DirectAck = false,
                CommitIntervalMs = 100,
                PrefetchCount = 10,
                PrefetchBytes = 102_400,
                MaxRestarts = 3,
                WhenExhausted = RestartExhaustedPolicy.FailGroup,
                StaticMembership = false,
            },
        };
        var plan = new FaultPlan(options.Faults, [.. scenario.Faults.Select(f => f.Kind switch
        {
            DifferentialFaultKind.HandlerThrows => new Fault(FaultsAtMs, FaultKind.HandlerException, f.Member, f.Partition, Magnitude: 0),
            DifferentialFaultKind.MemberRestarts => new Fault(RestartAtMs, FaultKind.MemberRestart, f.Member, f.Partition, Magnitude: 1_000),
            _ => new Fault(FaultsAtMs, FaultKind.CommitFailure, f.Member, f.Partition, Magnitude: 0),
        }).OrderBy(f => f.AtMs)]);

        var result = Simulator.Run(options, scenario.Seed, plan);
        output.WriteLine($"simulator: {result.Verdict}; {result.Scenario.Describe(options)}; " +
            $"{result.Stats.MessagesHandled} handled, {result.Stats.Duplicates} duplicates, {result.Stats.SimulatedMs} virtual ms");

        Assert.True(result.Passed, result.Verdict);
        // The script really happened: every fault struck once.
        foreach (var fault in plan.Schedule)
        {
            Assert.Equal(1, result.Stats.FaultsFired(fault.Kind));
        }

        return result.Partitions;
    }

    /// <summary>The same scenario on the mock cluster.</summary>
    private async Task<IReadOnlyList<PartitionOutcome>> RunOnTheMockClusterAsync(DifferentialScenario scenario)
    {
        const string group = "differential-group";
        var topic = DifferentialScenario.Topic;
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, scenario.Partitions);
        var log = new HandledLog();
        ElsaConsumer Member()
        {
            var options = MemberOptions(cluster, group, topic, log);
            options.Config = options.Config with { BeginOffset = scenario.BeginOffset };
            return KafkaConsumers.Create(options, new TestOutputLoggerFactory(output, LogLevel.Critical));
        }

        var members = Enumerable.Range(0, scenario.Members).Select(_ => Member()).ToList();
        try
        {
            var diagnostics = CountDiagnostics([.. members]);
            if (scenario.MessagesBeforeStart > 0)
            {
                await ProduceAsync(cluster, topic, scenario.Partitions, count: scenario.Partitions * scenario.MessagesBeforeStart);
            }

            // All members join, and every partition is positioned (with latest: at the end of what is there).
            await Task.WhenAll(members.Select(m => m.StartAsync()));
            await WaitUntil(() => Split(members, scenario.Partitions) && Positioned(members), "the members to split and position the partitions");

            // The faults are armed, then the workload arrives.
            foreach (var fault in scenario.Faults)
            {
                switch (fault.Kind)
                {
                    case DifferentialFaultKind.HandlerThrows:
                        log.CrashOnceAt(fault.Partition, scenario.MessagesBeforeStart);
                        break;
                    case DifferentialFaultKind.CommitRefused:
                        cluster.PushRequestErrors(KafkaApi.OffsetCommit, ErrorCode.NotCoordinatorForGroup);
                        break;
                    default:
                        break;
                }
            }

            var ends = await ProduceAsync(cluster, topic, scenario.Partitions, count: scenario.Partitions * scenario.Messages,
                first: scenario.Partitions * scenario.MessagesBeforeStart);

            // The planted crash strikes before any restart, as in the simulator's script: a worker that ends while its
            // member is stopping is not a crash, so restarting first would let the crash go unreported.
            var crashes = scenario.Faults.Count(f => f.Kind == DifferentialFaultKind.HandlerThrows);
            await WaitUntil(() => Count(diagnostics, DiagnosticKind.WorkerCrashed) >= crashes, "the planted crash to be reported");

            // A member restarts gracefully: it stops (committing what it acked and leaving), and comes back.
            foreach (var restart in scenario.Faults.Where(f => f.Kind == DifferentialFaultKind.MemberRestarts))
            {
                var leaving = members[restart.Member];
                await leaving.StopAsync();
                await WaitUntil(leaving.Completion, "the restarting member to shut down");
                await leaving.DisposeAsync();
                members[restart.Member] = Member();
                await members[restart.Member].StartAsync();
                await WaitUntil(() => Split(members, scenario.Partitions), "the restarted member to rejoin");
            }

            // Everything drains; shutdown.
            await WaitUntil(() => CommittedAll(members, topic, ends), "commits at the high watermark of every partition");
            await Task.WhenAll(members.Select(m => m.StopAsync()));
            await WaitUntil(Task.WhenAll(members.Select(m => m.Completion)), "every member to shut down");

            if (scenario.Faults.Any(f => f.Kind == DifferentialFaultKind.HandlerThrows))
            {
                Assert.Equal(1, Count(diagnostics, DiagnosticKind.WorkerCrashed));
            }

            var committed = ReadCommitted(cluster, group, topic, ends.Keys).ToDictionary(c => c.Partition, c => c.Offset);
            return
            [
                .. ends.OrderBy(e => e.Key).Select(e => PartitionOutcome.Of(topic, e.Key, logStart: 0, highWatermark: e.Value,
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

    /// <summary>Whether every partition a member owns has its start position (a commit, or a resolved begin_offset).</summary>
    private static bool Positioned(IReadOnlyList<ElsaConsumer> members) =>
        members.All(m => m.State.Partitions.Values.All(p => p.CommittedOffset is not null || p.RestartFloorOffset is not null));
}
