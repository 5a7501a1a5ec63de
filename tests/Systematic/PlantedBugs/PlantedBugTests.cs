using Elsa.Sim.Core;
using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.PlantedBugs;

/// <summary>Proof that every check can fire: each hunt runs the real host over a machine with one planted bug, and
/// Coyote must report the violation of the check that bug breaks (the planted race in PlantedRace/ proves the first
/// safety condition, at most one owner per partition). Each hunt stops at the first bug found, from a fixed seed. The
/// control runs each hunt's scenario over the real machine: there the checks must stay quiet.</summary>
public sealed class PlantedBugTests(ITestOutputHelper output)
{
    private const uint Budget = 200;
    private const uint ControlIterations = 50;

    private static readonly Func<GroupConfig, IGroupMachine> RealMachine = config => new GroupMachine(config);

    [Fact]
    public void Systematic_finds_a_commit_sent_after_its_revocation_completed() =>
        Assert.Contains("no stale-generation commit: a sent a commit of orders/",
            Hunt(nameof(CommitAfterCompletingRevocation), config => new CommitAfterCompletingRevocation(config), seed: 21), StringComparison.Ordinal);

    [Fact]
    public void Systematic_finds_a_commit_below_the_one_the_group_holds() =>
        Assert.Contains("commits never decrease: b committed orders/",
            Hunt(nameof(IgnoresCommittedOffsets), config => new IgnoresCommittedOffsets(config), seed: 22), StringComparison.Ordinal);

    [Fact]
    public void Systematic_finds_a_commit_of_messages_no_handler_returned_from() =>
        Assert.Contains("nothing committed that was not handled: a committed orders/",
            Hunt(nameof(CommitsBeforeHandling), config => new CommitsBeforeHandling(config), seed: 23), StringComparison.Ordinal);

    [Fact]
    public void Systematic_finds_a_revocation_that_never_completes() =>
        Assert.Contains("LivenessMonitor detected liveness bug in hot state 'RevocationPending'",
            Hunt(nameof(RevocationNeverCompletes), config => new RevocationNeverCompletes(config), seed: 24), StringComparison.Ordinal);

    [Fact]
    public void Systematic_finds_a_partition_that_never_progresses() =>
        Assert.Contains("LivenessMonitor detected liveness bug in hot state 'ProgressPending'",
            Hunt(nameof(ParksCrashedPartitions), config => new ParksCrashedPartitions(config), seed: 25), StringComparison.Ordinal);

    [Fact]
    public void Systematic_finds_a_stop_that_returns_while_a_handler_still_runs() =>
        Assert.Contains("no handler outlives its member's stop: a's StopAsync returned while its worker",
            Hunt(nameof(ShutdownCompletesEarly), config => new ShutdownCompletesEarly(config), seed: 26), StringComparison.Ordinal);

    [Fact]
    public void Systematic_finds_a_fenced_commit_that_is_never_sent_again() =>
        Assert.Contains("every acked offset is committed by a clean stop: a acked orders/",
            Hunt(nameof(FencedCommitTakenAsDone), config => new FencedCommitTakenAsDone(config), seed: 27), StringComparison.Ordinal);

    [Theory]
    [InlineData(nameof(CommitAfterCompletingRevocation))]
    [InlineData(nameof(IgnoresCommittedOffsets))]
    [InlineData(nameof(CommitsBeforeHandling))]
    [InlineData(nameof(RevocationNeverCompletes))]
    [InlineData(nameof(ParksCrashedPartitions))]
    [InlineData(nameof(ShutdownCompletesEarly))]
    [InlineData(nameof(FencedCommitTakenAsDone))]
    public void Systematic_a_planted_bugs_scenario_over_the_real_machine_has_no_bug(string bug) =>
        SystematicRun.ExpectNoBug($"{bug} over the real machine", () => ScenarioAsync(bug, RealMachine), ControlIterations, seed: 20, output);

    private string Hunt(string bug, Func<GroupConfig, IGroupMachine> planted, uint seed) =>
        SystematicRun.Hunt(bug, () => ScenarioAsync(bug, planted), Budget, seed, output);

    /// <summary>The scenario each planted bug is hunted in; <paramref name="machine"/> runs on the member the bug is
    /// planted in.</summary>
    private static Task ScenarioAsync(string bug, Func<GroupConfig, IGroupMachine> machine) => bug switch
    {
        nameof(CommitAfterCompletingRevocation) => CommitWhileRevokingAsync(machine),
        nameof(IgnoresCommittedOffsets) => TakeOverAfterCommitsAsync(machine),
        nameof(CommitsBeforeHandling) => CommitEveryAckOfSlowHandlersAsync(machine),
        nameof(RevocationNeverCompletes) => MoveAfterARoundAsync(machine),
        nameof(ParksCrashedPartitions) => CrashOnceAsync(machine),
        nameof(ShutdownCompletesEarly) => StopDuringALongBatchAsync(machine),
        nameof(FencedCommitTakenAsDone) => NewGenerationDuringTheLastCommitAsync(machine),
        _ => throw new ArgumentOutOfRangeException(nameof(bug), bug, "no scenario for this planted bug"),
    };

    /// <summary>a's partitions move to b as soon as a has a batch in hand, whose ack a's revocation commits.</summary>
    private static async Task CommitWhileRevokingAsync(Func<GroupConfig, IGroupMachine> machine)
    {
        var group = TestGroup.Create(races: null);
        await group.StartAsync("a", machine: machine);
        await group.StartAsync("b");
        group.Spread("a");
        await group.Happenings.When(Cue.BatchStarted, "a");
        group.Spread("b");
        await group.SettleAndStopAsync();
    }

    /// <summary>a handles and commits everything (direct_ack), then b takes over.</summary>
    private static async Task TakeOverAfterCommitsAsync(Func<GroupConfig, IGroupMachine> machine)
    {
        var group = TestGroup.Create(races: null, messagesPerPartition: 5);
        await group.StartAsync("a", configure: o => o.DirectAck = true);
        await group.StartAsync("b", configure: o => o.DirectAck = true, machine: machine);
        group.Spread("a");
        await group.SettleAsync();
        group.Spread("b");
        await group.SettleAndStopAsync();
    }

    /// <summary>One member, slow handlers, every ack committed at once.</summary>
    private static async Task CommitEveryAckOfSlowHandlersAsync(Func<GroupConfig, IGroupMachine> machine)
    {
        var group = TestGroup.Create(races: null);
        await group.StartAsync("a", s => s with { YieldsPerBatch = 3 }, o => o.DirectAck = true, machine);
        group.Spread("a");
        await group.SettleAndStopAsync();
    }

    /// <summary>a's partitions move to b after a round of time.</summary>
    private static async Task MoveAfterARoundAsync(Func<GroupConfig, IGroupMachine> machine)
    {
        var group = TestGroup.Create(races: null);
        await group.StartAsync("a", machine: machine);
        await group.StartAsync("b");
        group.Spread("a");
        await group.PassTimeAsync();
        group.Spread("b");
        await group.SettleAndStopAsync();
    }

    /// <summary>One member whose handlers throw once, on offset 1.</summary>
    private static async Task CrashOnceAsync(Func<GroupConfig, IGroupMachine> machine)
    {
        var group = TestGroup.Create(races: null);
        await group.StartAsync("a", s => s with { CrashAt = new HashSet<long> { 1 } }, machine: machine);
        group.Spread("a");
        await group.SettleAndStopAsync();
    }

    /// <summary>One member stopped as soon as a batch of 40 scheduling points is in hand. Its handlers hold their acks
    /// and nobody sends them, so the end-of-stop commit check stays out of it and the stop itself is what is checked.</summary>
    private static async Task StopDuringALongBatchAsync(Func<GroupConfig, IGroupMachine> machine)
    {
        var group = TestGroup.Create(races: null);
        await group.StartAsync("a", s => s with { YieldsPerBatch = 40, HoldAcks = true }, machine: machine);
        group.Spread("a");
        await group.Happenings.When(Cue.BatchStarted, "a");
        TestGroup.WaiveProgress();
        await group.StopAllAsync();
    }

    /// <summary>One message per partition, so a partition's first commit is its last; a keeps everything across a
    /// cooperative rebalance that starts a new generation while that commit is in the network.</summary>
    private static async Task NewGenerationDuringTheLastCommitAsync(Func<GroupConfig, IGroupMachine> machine)
    {
        var group = TestGroup.Create(races: null, messagesPerPartition: 1);
        await group.StartAsync("a", configure: o => o.DirectAck = true, machine: machine);
        group.Spread("a");
        await group.Happenings.When(Cue.CommitEntered, "a");
        group.Cluster.Rebalance(group.Spreading("a"), cooperative: true);
        await group.SettleAndStopAsync();
    }
}
