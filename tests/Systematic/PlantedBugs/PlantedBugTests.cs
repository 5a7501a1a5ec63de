using Elsa.Sim.PlantedBugs;
using Elsa.Sim.Simulation;
using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.PlantedBugs;

/// <summary>Proof that Coyote, driving the same world and oracle as explore, finds the race-shaped bugs of the one set of
/// planted bugs (tests/PlantedBugs): each hunt runs the shipped host with one bug planted (in the group manager, or
/// between the host and its client) in the member the scenario races, and Coyote must report the oracle's violation of
/// the property that bug breaks. Each hunt stops at the first bug found, from a fixed seed. The control runs each hunt's
/// scenario with nothing planted: there the oracle must stay quiet.</summary>
public sealed class PlantedBugTests(ITestOutputHelper output)
{
    private const uint Budget = 200;
    private const uint ControlIterations = 50;

    /// <summary>Each hunted bug, the scenario it is hunted in, and the violations that count as finding it.</summary>
    private static readonly Dictionary<string, (Func<PlantedBug?, Task> Scenario, string[] Finds)> Hunts = new()
    {
        [nameof(CommitAfterCompletingRevocation)] = (MoveWhileHandlingAsync, [ViolationKinds.RevocationDroppedAcks, ViolationKinds.CommitAfterRevocation]),
        [nameof(RevocationCompletesEarly)] = (MoveWhileHandlingAsync, [ViolationKinds.TwoLiveWorkers, ViolationKinds.HandledAfterRevocation]),
        [nameof(SkipsCommitBarrier)] = (MoveWhileHandlingAsync, [ViolationKinds.RevocationDroppedAcks, ViolationKinds.CommitNotStored]),
        [nameof(RevocationReturnsEarly)] = (MoveWhileHandlingAsync, [ViolationKinds.RevocationDroppedAcks, ViolationKinds.TwoLiveWorkers, ViolationKinds.HandledAfterRevocation]),
        [nameof(IgnoresCommittedOffsets)] = (TakeOverAfterCommitsAsync, [ViolationKinds.HandledBelowCommit, ViolationKinds.CommitBackwards, ViolationKinds.CommitPastUnhandled]),
        [nameof(CommitsBeforeHandling)] = (CommitEveryAckOfSlowHandlersAsync, [ViolationKinds.CommitPastUnhandled]),
        [nameof(RevocationNeverCompletes)] = (MoveAfterARoundAsync, ["liveness:"]),
        [nameof(ParksCrashedPartitions)] = (CrashOnceAsync, ["liveness:"]),
        [nameof(ShutdownCompletesEarly)] = (StopDuringALongBatchAsync, [ViolationKinds.HandlerOutlivedStop]),
        [nameof(FencedCommitTakenAsDone)] = (NewGenerationDuringTheLastCommitAsync, [ViolationKinds.CommitNotStored, "every acked offset is committed"]),
    };

    public static TheoryData<string> Hunted => [.. Hunts.Keys];

    [Theory]
    [MemberData(nameof(Hunted))]
    public void Systematic_finds_the_planted_bug(string name)
    {
        var (scenario, finds) = Hunts[name];
        var seed = 21 + (uint)Hunts.Keys.ToList().IndexOf(name);
        var found = SystematicRun.Hunt(name, () => scenario(PlantedBug.Named(name)), Budget, seed, output);
        Assert.True(finds.Any(f => found.Contains(f, StringComparison.Ordinal)), $"{name} was found as something else: {found}");
    }

    [Theory]
    [MemberData(nameof(Hunted))]
    public void Systematic_a_planted_bugs_scenario_with_nothing_planted_has_no_bug(string name) =>
        SystematicRun.ExpectNoBug($"{name} with nothing planted", () => Hunts[name].Scenario(null), ControlIterations, seed: 20, output);

    /// <summary>Starts member <paramref name="name"/> with <paramref name="bug"/> planted (nothing when null).</summary>
    private static Task StartAsync(TestGroup group, string name, PlantedBug? bug, Func<Handlers.HandlerScript, Handlers.HandlerScript>? script = null,
        Action<Hosting.ElsaConsumerOptions>? configure = null) =>
        group.StartAsync(name, script, configure, bug?.Machine, bug?.Port);

    /// <summary>a owns everything; b joins as soon as a has a batch in hand, whose ack a's revocation commits.</summary>
    internal static async Task MoveWhileHandlingAsync(PlantedBug? bug)
    {
        var group = TestGroup.Create(races: null);
        await StartAsync(group, "a", bug, s => s with { YieldsPerBatch = 3 });
        await group.Happenings.When(Cue.BatchStarted, "a");
        await group.StartAsync("b");
        await group.SettleAndStopAsync();
    }

    /// <summary>a handles and commits everything (direct_ack), then b joins and takes over part of it.</summary>
    private static async Task TakeOverAfterCommitsAsync(PlantedBug? bug)
    {
        var group = TestGroup.Create(races: null, messagesPerPartition: 5);
        await group.StartAsync("a", configure: o => o.DirectAck = true);
        await group.SettleAsync();
        await StartAsync(group, "b", bug, configure: o => o.DirectAck = true);
        await group.SettleAndStopAsync();
    }

    /// <summary>One member, slow handlers, every ack committed at once.</summary>
    private static async Task CommitEveryAckOfSlowHandlersAsync(PlantedBug? bug)
    {
        var group = TestGroup.Create(races: null);
        await StartAsync(group, "a", bug, s => s with { YieldsPerBatch = 3 }, o => o.DirectAck = true);
        await group.SettleAndStopAsync();
    }

    /// <summary>b joins a round after a, so a revokes.</summary>
    private static async Task MoveAfterARoundAsync(PlantedBug? bug)
    {
        var group = TestGroup.Create(races: null);
        await StartAsync(group, "a", bug);
        await group.PassTimeAsync();
        await group.StartAsync("b");
        await group.SettleAndStopAsync();
    }

    /// <summary>One member whose handlers throw once, on offset 1.</summary>
    private static async Task CrashOnceAsync(PlantedBug? bug)
    {
        var group = TestGroup.Create(races: null);
        await StartAsync(group, "a", bug, s => s with { CrashAt = new HashSet<long> { 1 } });
        await group.SettleAndStopAsync();
    }

    /// <summary>One member stopped as soon as a batch of 40 scheduling points is in hand. Its handlers hold their acks and
    /// nobody sends them, so the end-of-stop commit check stays out of it and the stop itself is what is checked.</summary>
    private static async Task StopDuringALongBatchAsync(PlantedBug? bug)
    {
        var group = TestGroup.Create(races: null);
        await StartAsync(group, "a", bug, s => s with { YieldsPerBatch = 40, HoldAcks = true });
        await group.Happenings.When(Cue.BatchStarted, "a");
        group.WaiveProgress();
        await group.StopAllAsync();
    }

    /// <summary>One message per partition, so a partition's first commit is its last; a keeps everything across a
    /// cooperative rebalance that starts a new generation while that commit is in the network.</summary>
    private static async Task NewGenerationDuringTheLastCommitAsync(PlantedBug? bug)
    {
        var group = TestGroup.Create(races: null, messagesPerPartition: 1, protocol: RebalanceProtocol.Cooperative);
        await StartAsync(group, "a", bug, configure: o => o.DirectAck = true);
        await group.Happenings.When(Cue.CommitEntered, "a");
        group.Rebalance();
        await group.SettleAndStopAsync();
    }
}
