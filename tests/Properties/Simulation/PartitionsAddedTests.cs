using Elsa.Sim.Core;
using Elsa.Sim.Simulation;
using Xunit.Abstractions;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>Partitions added to a topic while the group runs (the mock cluster cannot add partitions, so the simulated
/// cluster is where this is covered): the coordinator hands them out under every protocol, and the shipped host consumes
/// and commits them to their end.</summary>
public sealed class PartitionsAddedTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(RebalanceProtocol.Eager)]
    [InlineData(RebalanceProtocol.Cooperative)]
    [InlineData(RebalanceProtocol.Consumer)]
    public void Partitions_added_while_the_group_runs_are_assigned_handled_and_committed_to_their_end(RebalanceProtocol protocol)
    {
        var options = new SimulationOptions
        {
            Protocol = protocol,
            Faults = [FaultKind.PartitionsAdded],
            Pins = new ConfigurationPins { BeginOffset = StartPosition.Earliest },
        };
        var plan = new FaultPlan([FaultKind.PartitionsAdded], [new Fault(AtMs: 20_000, FaultKind.PartitionsAdded, Member: 0, Partition: 0, Magnitude: 2)]);

        var result = Simulator.Run(options, seed: 7, plan);

        Assert.True(result.Passed, result.Verdict);
        var added = result.Partitions.Where(p => p.Topic == "topic-0" && p.Partition >= options.PartitionsPerTopic).ToArray();
        foreach (var p in added)
        {
            output.WriteLine($"{p.Topic}/{p.Partition}: high watermark {p.HighWatermark}, committed {p.Committed}, handled {p.DistinctHandled}");
        }

        Assert.Equal([6, 7], added.Select(p => p.Partition));
        Assert.All(added, p =>
        {
            Assert.True(p.HighWatermark > 0, $"{p.Topic}/{p.Partition} got no messages");
            Assert.True(p.HandledExactlyTheLog, $"{p.Topic}/{p.Partition}: first unhandled {p.FirstUnhandled} of {p.HighWatermark}");
            Assert.Equal(p.HighWatermark, p.Committed);
        });
    }
}
