using System.Reflection;
using Elsa.Sim.Hosting;
using Elsa.Sim.Simulation;
using Microsoft.Coyote;
using Microsoft.Coyote.Rewriting;
using Microsoft.Coyote.SystematicTesting;

namespace Elsa.Sim.Testing;

/// <summary>How Elsa.Sim runs Coyote's <see cref="TestingEngine"/>: one configuration and one soundness check for the
/// kit's systematic mode and for the repository's Coyote suite (tests/Systematic).</summary>
internal static class CoyoteRun
{
    /// <summary>Steps the prioritizing strategies schedule by priority before they fall back to random (fair)
    /// scheduling: far beyond any correct iteration of the suite's scenarios.</summary>
    public const uint PrioritizedSteps = 10_000;

    /// <summary>A configuration for <paramref name="iterations"/> iterations from <paramref name="seed"/>. Every iteration
    /// is scheduled fairly (Coyote's default portfolio rotates random, probabilistic, and fair prioritization and
    /// delay-bounding strategies), so <paramref name="maxSteps"/> is Coyote's fair bound, and an iteration that reaches it
    /// fails rather than counting as explored. Concurrency Coyote cannot control is an error, not something to fuzz past.</summary>
    public static Configuration Configure(uint iterations, uint seed, uint maxSteps) =>
        Configuration.Create()
            .WithTestingIterations(iterations)
            .WithRandomGeneratorSeed(seed)
            .WithMaxSchedulingSteps(Math.Min(PrioritizedSteps, maxSteps), maxSteps)
            .WithFailureOnMaxStepsBoundEnabled(true)
            .WithPartiallyControlledConcurrencyAllowed(false)
            .WithSystematicFuzzingFallbackEnabled(false)
            .WithTelemetryEnabled(false)
            // A driver's Task.Delay lets the host run for up to 100 scheduling steps before more virtual time passes;
            // with Coyote's default (10), time outran the work it created and iterations took hundreds of rounds
            // instead of a dozen.
            .WithTimeoutDelay(100);

    /// <summary>What made a finished engine's exploration unsound, or null: Coyote controls only rewritten assemblies, so
    /// the test, the host, the simulated world and <paramref name="alsoRewritten"/> must have been rewritten, and no
    /// invocation may have escaped its scheduler.</summary>
    public static string? Unsound(TestingEngine engine, params Assembly[] alsoRewritten)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var notRewritten = new[] { typeof(ElsaConsumer).Assembly, typeof(SimulatedCluster).Assembly }
            .Concat(alsoRewritten)
            .Distinct()
            .Where(a => !RewritingEngine.IsAssemblyRewritten(a))
            .Select(a => a.GetName().Name)
            .ToList();
        if (!engine.IsTestRewritten())
        {
            notRewritten.Insert(0, "the test's own assembly");
        }

        if (notRewritten.Count > 0)
        {
            return $"not rewritten by coyote rewrite: {string.Join(", ", notRewritten)} (set <ElsaSimSystematic>true</ElsaSimSystematic> in the test project, docs/handler-testing.md)";
        }

        return engine.TestReport.UncontrolledInvocations.Count == 0
            ? null
            : $"uncontrolled invocations (Coyote cannot explore these): {string.Join(", ", engine.TestReport.UncontrolledInvocations)}";
    }

    /// <summary>Writes a reproducible trace to <paramref name="directory"/> as <paramref name="name"/>.trace and returns its
    /// path.</summary>
    public static string SaveTrace(string directory, string name, string trace)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{name}.trace");
        File.WriteAllText(path, trace);
        return path;
    }
}
