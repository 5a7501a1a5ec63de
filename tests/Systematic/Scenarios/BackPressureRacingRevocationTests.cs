using Elsa.Sim.Core;
using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class BackPressureRacingRevocationTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_back_pressure_pausing_and_resuming_a_partition_races_its_revocation_safely() =>
        SystematicRun.Explore(nameof(BackPressureRacingRevocationTests), ScenarioAsync, output, seed: 8);

    internal static async Task ScenarioAsync()
    {
        // A prefetch window of one message and one byte pauses each partition after two fetches; acks come later
        // through Ack/5 and resume it. The partitions move from a to b meanwhile: a pause or resume may race the
        // revocation, and b must still fetch (librdkafka keeps a pause across reassignment unless it is undone).
        var group = TestGroup.Create(messagesPerPartition: 5);
        void SmallWindow(Kafka.Options.ElsaConsumerOptions o) =>
            o.Config = o.Config with { PrefetchCount = 1, PrefetchBytes = 1 };
        await group.StartAsync("a", s => s with { HoldAcks = true }, SmallWindow);
        await group.StartAsync("b", s => s with { HoldAcks = true }, SmallWindow);
        var acker = group.AckHeldAsync();
        group.Spread("a");
        await group.PassTimeAsync();
        group.Spread("b");
        await group.SettleAndStopAsync();
        group.Ledger.StopAcking();
        await acker;
    }
}
