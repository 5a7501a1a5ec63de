using System.Globalization;
using Elsa.Sim.Core;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Integration.Tests.Differential;

/// <summary>One scenario of the differential family, drawn from a seed: the group's size, the workload (messages already
/// in the log when the group starts, and messages produced once every partition is positioned), <c>begin_offset</c>, and
/// the faults, in the order they strike. Each world (the simulated cluster, the librdkafka mock cluster) runs it its own
/// way; both must end in the same place.</summary>
/// <param name="Seed">The seed it was drawn from (also the simulator's seed).</param>
/// <param name="Members">Members in the group.</param>
/// <param name="Partitions">Partitions of the one topic.</param>
/// <param name="MessagesBeforeStart">Messages per partition already in the log when the members start.</param>
/// <param name="Messages">Messages per partition produced once every partition is positioned.</param>
/// <param name="BeginOffset"><c>begin_offset</c>: earliest (everything is handled) or latest (only what came after).</param>
/// <param name="Faults">What strikes, in order.</param>
internal sealed record DifferentialScenario(
    ulong Seed, int Members, int Partitions, int MessagesBeforeStart, int Messages, StartPosition BeginOffset, IReadOnlyList<DifferentialFault> Faults)
{
    public const string Topic = "topic-0"; // the simulator's name for its first topic

    /// <summary>Draws a scenario: 2–3 members, as many to 4 partitions, 0–30 messages before the start and 30–80 after, earliest
    /// or latest, and one to three of: a handler that throws, a member restarting gracefully (a rebalance), a commit
    /// refused with a retriable error.</summary>
    public static DifferentialScenario Draw(ulong seed)
    {
        var rng = SimRandom.Stream(seed, 0xD1FF);
        var members = (int)rng.Between(2, 3);
        var partitions = (int)rng.Between(members, 4);
        var before = rng.Chance(0.5) ? 0 : (int)rng.Between(10, 30);
        var messages = (int)rng.Between(30, 80);
        var begin = rng.Chance(0.5) ? StartPosition.Earliest : StartPosition.Latest;
        var kinds = new[] { DifferentialFaultKind.HandlerThrows, DifferentialFaultKind.MemberRestarts, DifferentialFaultKind.CommitRefused };
        var faults = kinds.Where(_ => rng.Chance(0.6)).Select(kind => new DifferentialFault(kind, (int)rng.Between(0, members - 1), (int)rng.Between(0, partitions - 1))).ToList();
        if (faults.Count == 0)
        {
            faults.Add(new DifferentialFault(DifferentialFaultKind.HandlerThrows, 0, 0));
        }

        return new DifferentialScenario(seed, members, partitions, before, messages, begin, faults);
    }

    /// <summary>The first offset a member handles: 0, or with latest the end of what was there before it started.</summary>
    public long FirstHandled => BeginOffset.Kind == StartPositionKind.Latest ? MessagesBeforeStart : 0;

    /// <summary>Where every partition must end, in both worlds: all of the log committed, and exactly the offsets from
    /// <see cref="FirstHandled"/> on handled.</summary>
    public IReadOnlyList<PartitionOutcome> Expected =>
    [
        .. Enumerable.Range(0, Partitions).Select(p => new PartitionOutcome(Topic, p, LogStart: 0, HighWatermark: MessagesBeforeStart + Messages,
            Committed: MessagesBeforeStart + Messages, FirstUnhandled: FirstHandled > 0 ? 0 : MessagesBeforeStart + Messages,
            DistinctHandled: MessagesBeforeStart + Messages - FirstHandled)),
    ];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"seed {Seed}: {Members} members, {Partitions} partitions, {MessagesBeforeStart} messages before the start and {Messages} after, begin_offset {BeginOffset}; {string.Join(", ", Faults)}");
}

/// <summary>A fault of the differential family.</summary>
internal enum DifferentialFaultKind
{
    /// <summary>The handler of a partition throws once, partway through the messages produced after the start.</summary>
    HandlerThrows,

    /// <summary>A member stops gracefully (commits, leaves: a rebalance) and rejoins.</summary>
    MemberRestarts,

    /// <summary>A member's next commit is refused with a retriable error and must be sent again.</summary>
    CommitRefused,
}

/// <summary>One fault of a differential scenario, aimed at a member and a partition (each kind uses what it needs).</summary>
internal sealed record DifferentialFault(DifferentialFaultKind Kind, int Member, int Partition)
{
    public override string ToString() => Kind switch
    {
        DifferentialFaultKind.HandlerThrows => $"the handler of partition {Partition} throws once",
        DifferentialFaultKind.MemberRestarts => $"member {Member} restarts",
        _ => $"a commit of member {Member} is refused",
    };
}
