using System.Diagnostics;
using System.Text.RegularExpressions;
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
    public async Task Same_seed_gives_the_same_trace_hash_in_another_process()
    {
        const ulong seed = 42;
        var (here, _) = Simulator.HashTwice(new SimulationOptions(), seed);

        // elsa-sim is built beside this test assembly (a project reference): a fresh process, a fresh runtime.
        var cli = Path.Combine(AppContext.BaseDirectory, "elsa-sim.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", cli, "replay", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        // Both pipes drain concurrently (a full stderr pipe must not block the child), and the wait is bounded.
        var reading = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("elsa-sim replay did not finish within two minutes");
        }

        var texts = await reading;
        var (output, error) = (texts[0], texts[1]);
        Assert.True(process.ExitCode == 0, $"elsa-sim replay exited {process.ExitCode}: {error}");
        var there = Regex.Match(output, "replay hash:\\s+([0-9a-f]{64})");
        Assert.True(there.Success, $"no hash in elsa-sim's output: {output}");
        Assert.Equal(here, there.Groups[1].Value);
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
