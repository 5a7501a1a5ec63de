using Elsa.Sim.Simulation;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>A run is a function of its seed: same seed, same trace, byte for byte.</summary>
public sealed class DeterminismTests
{
    [Theory]
    [InlineData(1UL)]
    [InlineData(42UL)]
    [InlineData(1_304UL)]
    [InlineData(ulong.MaxValue)]
    public void Same_seed_gives_the_same_trace_hash_twice_in_one_process(ulong seed)
    {
        var (first, second) = Simulator.HashTwice(new SimulationOptions(), seed);

        Assert.Equal(first, second);
        Assert.Matches("^[0-9a-f]{64}$", first);
    }

    [Fact]
    public void Different_seeds_give_different_traces()
    {
        var (one, _) = Simulator.HashTwice(new SimulationOptions(), 1);
        var (two, _) = Simulator.HashTwice(new SimulationOptions(), 2);

        Assert.NotEqual(one, two);
    }

    [Fact]
    public void A_given_fault_plan_replays_to_the_same_trace()
    {
        var options = new SimulationOptions();
        var drawn = FaultPlan.Draw(7, options);
        var replayed = drawn.WithSchedule(drawn.Schedule.Take(3));

        var (first, second) = Simulator.HashTwice(options, 7, replayed);
        var (full, _) = Simulator.HashTwice(options, 7, drawn);

        Assert.Equal(first, second);
        Assert.NotEqual(full, first);
    }
}
