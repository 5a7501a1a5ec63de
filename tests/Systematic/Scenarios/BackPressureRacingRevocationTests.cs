using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class BackPressureRacingRevocationTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_back_pressure_pausing_and_resuming_a_partition_races_its_revocation_safely() =>
        SystematicRun.Explore(nameof(BackPressureRacingRevocationTests), Race.PauseOrResumeDuringRevocation, ScenarioAsync, output, seed: 8);

    internal static async Task ScenarioAsync(RaceTally races)
    {
        // A prefetch window of one message and one byte pauses each partition after two fetches; acks come later through
        // Ack/5 and resume it. Nobody acks until member a has paused a partition (so it surely does); then the acks start,
        // b joins and leaves again: a's resumes (from acks) and pauses (from fetches) race a's revocations. a's client
        // keeps a pause across the revocation and the reassignment, as librdkafka does, so unless the host resumes what
        // it revokes, a never fetches its partitions again.
        var group = TestGroup.Create(races, messagesPerPartition: 5);
        void SmallWindow(Hosting.ElsaConsumerOptions o) =>
            o.Config = o.Config with { PrefetchCount = 1, PrefetchBytes = 1 };
        await group.StartAsync("a", s => s with { HoldAcks = true }, SmallWindow);
        await group.Happenings.When(Cue.Paused, "a");
        var acker = group.AckHeldAsync();
        await group.StartAsync("b", s => s with { HoldAcks = true }, SmallWindow);
        await group.LeaveAsync("b");
        await group.SettleAndStopAsync();
        await acker;
    }
}
