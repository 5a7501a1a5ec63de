using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Elsa.Sim.Benchmarks;

/// <summary>Runs the suites named by <c>--filter</c> (BenchmarkDotNet's switcher; <c>--list flat</c> lists them).</summary>
public static class Program
{
    /// <summary>Each job builds every project afresh in a folder of its own (the Coyote job also rewrites five assemblies):
    /// on a shared 2-core machine that took more than BenchmarkDotNet's default of 2 minutes.</summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(BuildTimeout));
}
