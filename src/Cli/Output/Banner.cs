using Elsa.Sim.Cli.Options;
using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Output;

/// <summary>The lines every command prints before it runs anything (TigerBeetle's VOPR: the seed and every setting
/// first), so a log that ends abruptly still says how to run it again.</summary>
internal static class Banner
{
    /// <summary>Prints the seeds, then the run's shape, then where its faults come from.</summary>
    public static void Print(IAnsiConsole console, string seeds, SimulationOptions options, string faultPlan)
    {
        console.WriteLine(seeds);
        console.WriteLine(
            $"members={options.Members} topics={options.Topics} partitions_per_topic={options.PartitionsPerTopic} " +
            $"fault_window_ms={options.FaultWindowMs} quiet_window_ms={options.QuietWindowMs} " +
            $"protocol={options.Protocol?.ToString().ToLowerInvariant() ?? "per-seed"} version={TraceHeader.LibraryVersion}");
        console.WriteLine($"{PinOptions.Describe(options.Pins)}");
        console.WriteLine($"faults={FaultNames.Describe(options.Faults)} plan={faultPlan}");
    }
}
