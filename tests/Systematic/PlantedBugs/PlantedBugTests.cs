using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.PlantedBugs;

/// <summary>Proof that every check can fire: each test runs the real host over a machine with one planted bug, and
/// Coyote must report the violation of the check that bug breaks (the planted race in PlantedRace/ proves the first
/// safety condition, at most one owner per partition). Each stops at the first bug found, from a fixed seed.</summary>
public sealed class PlantedBugTests(ITestOutputHelper output)
{
    private const uint Budget = 200;

    [Fact]
    public void Systematic_finds_a_commit_sent_after_its_revocation_completed()
    {
        var found = SystematicRun.Hunt(nameof(CommitAfterCompletingRevocation), async () =>
        {
            var group = TestGroup.Create(races: null);
            await group.StartAsync("a", machine: config => new CommitAfterCompletingRevocation(config));
            await group.StartAsync("b");
            group.Spread("a");
            await group.Happenings.When(Cue.BatchStarted, "a");
            group.Spread("b");
            await group.SettleAndStopAsync();
        }, Budget, seed: 21, output);
        Assert.Contains("no stale-generation commit: a sent a commit of orders/", found, StringComparison.Ordinal);
    }

    [Fact]
    public void Systematic_finds_a_commit_below_the_one_the_group_holds()
    {
        var found = SystematicRun.Hunt(nameof(IgnoresCommittedOffsets), async () =>
        {
            var group = TestGroup.Create(races: null, messagesPerPartition: 5);
            await group.StartAsync("a", configure: o => o.DirectAck = true);
            await group.StartAsync("b", configure: o => o.DirectAck = true, machine: config => new IgnoresCommittedOffsets(config));
            group.Spread("a");
            await group.SettleAsync();
            group.Spread("b");
            await group.SettleAndStopAsync();
        }, Budget, seed: 22, output);
        Assert.Contains("commits never decrease: b committed orders/", found, StringComparison.Ordinal);
    }

    [Fact]
    public void Systematic_finds_a_commit_of_messages_no_handler_returned_from()
    {
        var found = SystematicRun.Hunt(nameof(CommitsBeforeHandling), async () =>
        {
            var group = TestGroup.Create(races: null);
            await group.StartAsync("a", s => s with { YieldsPerBatch = 3 }, o => o.DirectAck = true, config => new CommitsBeforeHandling(config));
            group.Spread("a");
            await group.SettleAndStopAsync();
        }, Budget, seed: 23, output);
        Assert.Contains("nothing committed that was not handled: a committed orders/", found, StringComparison.Ordinal);
    }

    [Fact]
    public void Systematic_finds_a_revocation_that_never_completes()
    {
        var found = SystematicRun.Hunt(nameof(RevocationNeverCompletes), async () =>
        {
            var group = TestGroup.Create(races: null);
            await group.StartAsync("a", machine: config => new RevocationNeverCompletes(config));
            await group.StartAsync("b");
            group.Spread("a");
            await group.PassTimeAsync();
            group.Spread("b");
            await group.SettleAndStopAsync();
        }, Budget, seed: 24, output);
        Assert.Contains("LivenessMonitor detected", found, StringComparison.Ordinal);
        Assert.Contains("hot state 'RevocationPending'", found, StringComparison.Ordinal);
    }

    [Fact]
    public void Systematic_finds_a_partition_that_never_progresses()
    {
        var found = SystematicRun.Hunt(nameof(ParksCrashedPartitions), async () =>
        {
            var group = TestGroup.Create(races: null);
            await group.StartAsync("a", s => s with { CrashAt = new HashSet<long> { 1 } }, machine: config => new ParksCrashedPartitions(config));
            group.Spread("a");
            await group.SettleAndStopAsync();
        }, Budget, seed: 25, output);
        Assert.Contains("LivenessMonitor detected", found, StringComparison.Ordinal);
        Assert.Contains("hot state 'ProgressPending'", found, StringComparison.Ordinal);
    }

    [Fact]
    public void Systematic_finds_a_stop_that_returns_while_a_handler_still_runs()
    {
        var found = SystematicRun.Hunt(nameof(ShutdownCompletesEarly), async () =>
        {
            var group = TestGroup.Create(races: null);
            await group.StartAsync("a", s => s with { YieldsPerBatch = 100 }, machine: config => new ShutdownCompletesEarly(config));
            group.Spread("a");
            await group.Happenings.When(Cue.BatchStarted, "a");
            TestGroup.WaiveProgress();
            await group.StopAllAsync();
        }, Budget, seed: 26, output);
        Assert.Contains("no handler outlives its member's stop: a's StopAsync returned while its worker", found, StringComparison.Ordinal);
    }

    [Fact]
    public void Systematic_finds_a_fenced_commit_that_is_never_sent_again()
    {
        var found = SystematicRun.Hunt(nameof(FencedCommitTakenAsDone), async () =>
        {
            // One message per partition, so the fenced commit is the partition's last; a keeps everything across a
            // cooperative rebalance that starts a new generation while that commit is in the network.
            var group = TestGroup.Create(races: null, messagesPerPartition: 1);
            await group.StartAsync("a", configure: o => o.DirectAck = true, machine: config => new FencedCommitTakenAsDone(config));
            group.Spread("a");
            await group.Happenings.When(Cue.CommitEntered, "a");
            group.Cluster.Rebalance(group.Spreading("a"), cooperative: true);
            await group.SettleAndStopAsync();
        }, Budget, seed: 27, output);
        Assert.Contains("every acked offset is committed by a clean stop: a acked orders/", found, StringComparison.Ordinal);
    }
}
