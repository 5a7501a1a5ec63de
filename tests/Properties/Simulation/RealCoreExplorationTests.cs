using Elsa.Sim.Simulation;
using Xunit.Abstractions;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>The real machine under the default exploration: no violation, and every fault kind exercised.</summary>
public sealed class RealCoreExplorationTests(DefaultExplorationFixture exploration, ITestOutputHelper output)
    : IClassFixture<DefaultExplorationFixture>
{
    [Fact]
    public void Real_core_violates_nothing_over_the_default_seeds()
    {
        var totals = new SimulationStats();
        totals.Add(exploration.FirstThousand.Totals);
        totals.Add(exploration.Rest.Totals);
        var failures = exploration.FirstThousand.Failures.Concat(exploration.Rest.Failures).ToList();
        output.WriteLine($"{totals.Runs} seeds, {totals.Events} events, {totals.MessagesHandled} messages handled");
        Assert.Equal(DefaultExplorationFixture.Seeds, totals.Runs);
        Assert.True(failures.Count == 0,
            $"{failures.Count} seed(s) failed; first: seed {failures.FirstOrDefault()?.Seed}: {failures.FirstOrDefault()?.Verdict}");
        Assert.True(totals.MessagesHandled >= totals.MessagesProduced - totals.Expired,
            "fewer messages were handled than produced and not expired");
    }

    /// <summary>Seeds of the default scenario that once failed on the shipped host, each kept here with what it found.</summary>
    [Theory]
    [InlineData(6150UL)] // revocation-dropped-acks: a fenced commit stopped the revocation's commit (RevocationSpecs)
    [InlineData(8840UL)] // revocation-dropped-acks
    [InlineData(10200UL)] // revocation-dropped-acks
    [InlineData(17024UL)] // liveness
    [InlineData(20018UL)] // revocation-dropped-acks
    public void Seeds_that_once_failed_in_a_long_run_pass(ulong seed)
    {
        var result = Simulator.Run(new SimulationOptions(), seed);

        Assert.True(result.Passed, $"seed {seed}: {result.Verdict}");
    }

    // Static members (group.instance.id), cooperative: a member that shut down for a restart while the last round withheld
    // partitions from it (to revoke and rejoin) came back as a new client holding none of them; until the coordinator
    // started the follow-up round itself, those partitions stayed unowned for good (liveness).
    [Theory]
    [InlineData(133UL)]
    [InlineData(521UL)]
    [InlineData(816UL)]
    public void Static_member_seeds_that_once_orphaned_withheld_partitions_pass(ulong seed)
    {
        var result = Simulator.Run(new SimulationOptions { Pins = new ConfigurationPins { StaticMembership = true } }, seed);

        Assert.True(result.Passed, $"seed {seed}: {result.Verdict}");
    }

    // KIP-848's consumer protocol: a commit racing a member epoch bump (a member joining bumps everyone's) was refused
    // for a stale epoch, taken as fenced, and the member never committed again, since no rebalance callback follows an
    // epoch bump that moves nothing (seed 23, liveness, no fault needed).
    [Theory]
    [InlineData(23UL)]
    public void Consumer_protocol_seeds_that_once_failed_pass(ulong seed)
    {
        var result = Simulator.Run(new SimulationOptions { Protocol = RebalanceProtocol.Consumer }, seed);

        Assert.True(result.Passed, $"seed {seed}: {result.Verdict}");
    }

    [Fact]
    public void Every_fault_kind_fires_in_the_first_thousand_default_seeds()
    {
        var firstThousand = exploration.FirstThousand.Totals;
        Assert.Equal(1_000, firstThousand.Runs);
        var silent = Enum.GetValues<FaultKind>().Where(kind => firstThousand.FaultsFired(kind) == 0).ToArray();
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            output.WriteLine($"{kind}: fired {firstThousand.FaultsFired(kind)} times");
        }

        Assert.True(silent.Length == 0, $"never fired in 1,000 seeds: {string.Join(", ", silent)}");
    }

    [Fact]
    public void Every_protocol_is_drawn_in_the_first_thousand_default_seeds()
    {
        var drawn = exploration.FirstThousand.Totals.SettingsDrawn;
        foreach (var protocol in Enum.GetValues<RebalanceProtocol>())
        {
            var seeds = drawn.GetValueOrDefault($"protocol={protocol.ToString().ToLowerInvariant()}");
            output.WriteLine($"{protocol}: {seeds} seeds");
            Assert.True(seeds >= 250, $"{protocol} drawn by {seeds} of 1,000 seeds");
        }
    }
}
