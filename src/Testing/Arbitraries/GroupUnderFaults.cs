using System.Globalization;
using System.Text;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Testing;

/// <summary>A simulated group and the faults it is given, generated together by
/// <see cref="ElsaArbitraries.GroupsUnderFaults"/> so that every fault targets one of the group's members and partitions.
/// Run it with <c>new HandlerTestOptions { Shape = g.Shape, Plan = g.Plan }</c>.</summary>
/// <param name="Shape">The group: members, topics, partitions, protocol, windows, fault kinds.</param>
/// <param name="Plan">The fault schedule, drawn for <paramref name="Shape"/>.</param>
public sealed record GroupUnderFaults(SimulationOptions Shape, FaultPlan Plan)
{
    /// <summary>The shape in a few words and each fault as a sentence, so a shrunk counterexample reads as a story.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{Shape.Members} member(s), {Shape.Topics} topic(s) x {Shape.PartitionsPerTopic} partition(s), protocol {Shape.Protocol?.ToString() ?? "per seed"}; {Plan.Schedule.Count} fault(s)");
        foreach (var fault in Plan.Schedule)
        {
            text.Append(CultureInfo.InvariantCulture, $"; at {fault.AtMs} ms {fault.Describe(Shape)}");
        }

        return text.ToString();
    }
}
