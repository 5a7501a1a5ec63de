namespace Elsa.Sim.Simulation;

/// <summary>The parts of a run the seed decides beyond its faults (swarm testing covers the configuration too).</summary>
/// <param name="Protocol">The rebalance protocol.</param>
/// <param name="DirectAck">Whether acks are committed at once.</param>
/// <param name="CommitIntervalMs">The commit interval.</param>
/// <param name="MessagesPerSecond">Each partition's produce rate (unused when the options script the workload with
/// <see cref="SimulationOptions.MessagesPerPartition"/>).</param>
public sealed record Scenario(RebalanceProtocol Protocol, bool DirectAck, long CommitIntervalMs, IReadOnlyList<int> MessagesPerSecond)
{
    internal static Scenario Draw(ulong seed, SimulationOptions options)
    {
        var rng = SimRandom.Stream(seed, 0x5CE4);
        var protocol = options.Protocol ?? (rng.Chance(0.5) ? RebalanceProtocol.Eager : RebalanceProtocol.Cooperative);
        var directAck = rng.Chance(0.25);
        var commitIntervalMs = rng.Between(1_000, 5_000);
        var partitions = options.Topics * options.PartitionsPerTopic;
        var rates = Enumerable.Range(0, partitions).Select(_ => (int)rng.Between(1, options.MaxMessagesPerSecond)).ToArray();
        return new Scenario(protocol, directAck, commitIntervalMs, rates);
    }

    /// <summary>One line for a story or a log.</summary>
    public string Describe(SimulationOptions options) =>
        $"{options.Members} members, {options.Topics} topics x {options.PartitionsPerTopic} partitions, {Protocol.ToString().ToLowerInvariant()} protocol, " +
        $"direct_ack {(DirectAck ? "on" : "off")}, commits every {CommitIntervalMs} ms, " +
        (options.MessagesPerPartition is { } scripted ? $"{scripted} messages per partition at once" : $"{MessagesPerSecond.Sum()} messages/s in all");
}
